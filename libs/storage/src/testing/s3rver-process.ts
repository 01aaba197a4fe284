import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@helpdeskly/testing';

/**
 * s3rver (npm), a real S3-compatible server, in a process of its own with its files in a temp
 * folder: the tests' measure of memory sees only the client, and the server speaks HTTP like any.
 */
export class S3rverProcess {
  private constructor(
    private readonly server: ChildProcess,
    private readonly directory: string,
    readonly endpoint: string,
    readonly bucket: string,
  ) {}

  static async start(bucket = 'helpdeskly-objects'): Promise<S3rverProcess> {
    const directory = mkdtempSync(join(tmpdir(), 'helpdeskly-s3rver-'));
    const port = await freePort();
    const options = JSON.stringify({
      port,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    const server = spawn(
      process.execPath,
      // s3rver makes its continuation tokens with DES, which OpenSSL 3 has only in its legacy provider.
      ['--openssl-legacy-provider', '-e', `new (require('s3rver'))(${options}).run().then(() => console.log('ready'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      server.on('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    });
    return new S3rverProcess(server, directory, `http://127.0.0.1:${port}`, bucket);
  }

  async stop(): Promise<void> {
    if (this.server.exitCode === null) {
      const exited = new Promise((resolve) => this.server.once('exit', resolve));
      this.server.kill();
      await exited;
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}
