import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream } from './digest-stream';
import { assertObjectKey, assertObjectPrefix } from './object-key';
import { type ObjectInfo, ObjectStorage, type PutOptions, type PutResult, type StoredObject } from './object-storage';
import { InvalidObjectKeyError, ObjectNotFoundError } from './storage.errors';

const OBJECT_SUFFIX = '.object';
/** Longest file name most Linux and macOS file systems take. */
const MAX_NAME_BYTES = 255;
const HEADER_LENGTH_BYTES = 4;

/**
 * Objects on a local disk under one directory (development, tests, a single host with a volume).
 *
 * Layout: `<root>/objects/<segment>/.../<last segment>.object`, each segment percent-encoded,
 * dots included, so no segment can be `..` or hold a `/` (the root cannot be escaped) and no
 * folder ends in `.object` (keys `a/b` and `a/b/c` both fit). A file holds a 4-byte length, a JSON
 * header (the content type), then the body. A put writes `<root>/tmp/<uuid>`, syncs it and renames
 * it over the object: a crash leaves at most a stray temp file, never half an object under a key.
 */
export class LocalDiskObjectStorage extends ObjectStorage {
  private readonly objectsRoot: string;
  private readonly tmpRoot: string;

  constructor(readonly root: string) {
    super();
    this.objectsRoot = join(resolve(root), 'objects');
    this.tmpRoot = join(resolve(root), 'tmp');
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    const path = this.pathOf(key);
    await mkdir(this.tmpRoot, { recursive: true });
    const tmp = join(this.tmpRoot, randomUUID());
    const digest = new DigestStream(key, options.contentLength);
    try {
      const file = createWriteStream(tmp, { flags: 'wx' });
      file.write(encodeHeader({ contentType: options.contentType }));
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, digest, file);
      await syncFile(tmp);
      await renameInto(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return { key, ...digest.result() };
  }

  async get(key: string): Promise<StoredObject> {
    const handle = await this.openObject(key);
    try {
      const { info, offset } = await readObjectInfo(handle);
      // The open handle keeps reading the object it opened, even if a put replaces it meanwhile.
      return { ...info, body: handle.createReadStream({ start: offset }) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    let handle: FileHandle;
    try {
      handle = await this.openObject(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
    try {
      return (await readObjectInfo(handle)).info;
    } finally {
      await handle.close();
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await this.pruneUpwards(dirname(path));
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertObjectPrefix(prefix);
    yield* walk(this.folderOf(prefix), prefix);
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertObjectPrefix(prefix);
    let deleted = 0;
    for await (const key of walk(this.folderOf(prefix), prefix)) {
      try {
        await unlink(this.pathOf(key));
        deleted += 1;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    await removeEmptyFolders(this.folderOf(prefix));
    await this.pruneUpwards(dirname(this.folderOf(prefix)));
    return deleted;
  }

  private pathOf(key: string): string {
    assertObjectKey(key);
    const segments = key.split('/').map(encodeSegment);
    segments[segments.length - 1] += OBJECT_SUFFIX;
    if (segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES))
      throw new InvalidObjectKeyError(
        key,
        `a segment is too long for the local disk (${MAX_NAME_BYTES} bytes encoded)`,
      );
    return this.inside(join(this.objectsRoot, ...segments));
  }

  private folderOf(prefix: string): string {
    return this.inside(join(this.objectsRoot, ...prefix.slice(0, -1).split('/').map(encodeSegment)));
  }

  /** The encoding alone keeps paths inside the root; this states it where it matters. */
  private inside(path: string): string {
    if (!resolve(path).startsWith(this.objectsRoot + sep)) throw new Error(`${path} is outside ${this.objectsRoot}`);
    return path;
  }

  private async openObject(key: string): Promise<FileHandle> {
    try {
      return await open(this.pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key, { cause: error });
      throw error;
    }
  }

  /** Removes folders left empty, from `folder` up to (not including) the objects root. */
  private async pruneUpwards(folder: string): Promise<void> {
    for (let dir = folder; dir.startsWith(this.objectsRoot + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): an ancestor cannot be empty either
      }
    }
  }
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/\./g, '%2E');
}

async function* walk(folder: string, keyPrefix: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) yield* walk(join(folder, entry.name), `${keyPrefix}${decodeURIComponent(entry.name)}/`);
    else if (entry.name.endsWith(OBJECT_SUFFIX))
      yield `${keyPrefix}${decodeURIComponent(entry.name.slice(0, -OBJECT_SUFFIX.length))}`;
  }
}

/** Post-order: a folder is removed once its own empty sub-folders are; a concurrent put may refill one. */
async function removeEmptyFolders(folder: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyFolders(join(folder, entry.name));
  await rmdir(folder).catch(() => undefined);
}

/** Renames the temp file over the object; a delete may prune the folder in between, so make it again once. */
async function renameInto(tmp: string, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(dirname(path), { recursive: true });
    try {
      return await rename(tmp, path);
    } catch (error) {
      if (!isMissing(error) || attempt === 2) throw error;
    }
  }
}

/** fsync before the rename: otherwise a power cut may leave the new name on an empty file. */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface Header {
  readonly contentType?: string;
}

function encodeHeader(header: Header): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(HEADER_LENGTH_BYTES);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json]);
}

async function readObjectInfo(handle: FileHandle): Promise<{ info: ObjectInfo; offset: number }> {
  const { size } = await handle.stat();
  const prefix = Buffer.alloc(HEADER_LENGTH_BYTES);
  await handle.read(prefix, 0, HEADER_LENGTH_BYTES, 0);
  const length = prefix.readUInt32BE();
  const json = Buffer.alloc(length);
  await handle.read(json, 0, length, HEADER_LENGTH_BYTES);
  const header = JSON.parse(json.toString('utf8')) as Header;
  const offset = HEADER_LENGTH_BYTES + length;
  return { info: { size: size - offset, contentType: header.contentType }, offset };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
