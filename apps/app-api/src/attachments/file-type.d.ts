// file-type ships ES modules with `exports` only, which this repository's `moduleResolution: node`
// does not read; Node 20.19+ loads it through require(esm). Its one function we use, typed here
// from node_modules/file-type/source/index.d.ts.
declare module 'file-type' {
  export function fileTypeFromBuffer(
    buffer: Uint8Array | ArrayBuffer,
  ): Promise<{ readonly ext: string; readonly mime: string } | undefined>;
}
