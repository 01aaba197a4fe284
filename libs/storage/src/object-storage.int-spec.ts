// The ObjectStorage contract against both drivers on real backends: a temp folder on this disk, and
// s3rver (a real S3-compatible server over HTTP) in a process of its own. No mock of either.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '@helpdeskly/testing';
import { LocalDiskObjectStorage } from './local-disk-object-storage';
import { S3ObjectStorage, type S3ObjectStorageOptions } from './s3-object-storage';
import { StorageUnavailableError } from './storage.errors';
import { objectStorageContract } from './testing/object-storage.contract';
import { S3rverProcess } from './testing/s3rver-process';

const s3Options = (endpoint: string, bucket: string): S3ObjectStorageOptions => ({
  endpoint,
  region: 'us-east-1',
  bucket,
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

objectStorageContract(LocalDiskObjectStorage.name, async () => {
  const root = mkdtempSync(join(tmpdir(), 'helpdeskly-storage-'));
  return {
    storage: new LocalDiskObjectStorage(root),
    stop: async () => rmSync(root, { recursive: true, force: true }),
  };
});

objectStorageContract(
  S3ObjectStorage.name,
  async () => {
    const server = await S3rverProcess.start();
    // Pages of 2 keys: deletePrefix's pagination runs on a handful of objects.
    const storage = new S3ObjectStorage({ ...s3Options(server.endpoint, server.bucket), listPageSize: 2 });
    return {
      storage,
      stop: async () => {
        await storage.onApplicationShutdown();
        await server.stop();
      },
    };
  },
  { atomicConcurrentPuts: false },
);

describe(`${LocalDiskObjectStorage.name} on disk`, () => {
  const root = mkdtempSync(join(tmpdir(), 'helpdeskly-storage-disk-'));
  const sut = new LocalDiskObjectStorage(root);
  const files = (dir = root): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(root, join(e.parentPath, e.name)));

  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes only inside its root, whatever the key looks like', async () => {
    for (const key of ['..a/b', '%2E%2E/%2E%2E/escape', 'tenants/t1/..hidden', 'tenants/t1/a.object/b', '~/x'])
      await sut.put(key, Buffer.from(key));
    expect(files().every((f) => f.startsWith('objects/') && !f.split('/').includes('..'))).toBe(true);
    expect(files().filter((f) => f.startsWith('objects/'))).toHaveLength(5);
  });

  it('shows no object under the key until the body is complete, and leaves no temp file after a failure', async () => {
    const key = `tenants/${randomUUID()}/slow-upload`;
    const body = new PassThrough();
    const put = sut.put(key, body);
    body.write(Buffer.alloc(1024 * 1024, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await sut.head(key)).toBeNull();
    expect(files().filter((f) => f.startsWith('tmp/'))).toHaveLength(1);

    body.destroy(new Error('connection lost'));
    await expect(put).rejects.toThrow('connection lost');
    expect(await sut.head(key)).toBeNull();
    expect(files().filter((f) => f.startsWith('tmp/'))).toEqual([]);
  });

  it('removes the folders a delete leaves empty', async () => {
    const prefix = `tenants/${randomUUID()}/`;
    await sut.put(`${prefix}a/b/c`, Buffer.from('x'));
    await sut.put(`${prefix}d`, Buffer.from('y'));
    await sut.delete(`${prefix}a/b/c`);
    await sut.deletePrefix(prefix);
    expect(readdirSync(join(root, 'objects', 'tenants')).some((name) => prefix.includes(name))).toBe(false);
  });
});

describe(`${S3ObjectStorage.name} when S3 cannot be reached`, () => {
  let blackHole: Server;
  const sockets: Socket[] = [];
  let silentEndpoint: string;

  before(async () => {
    // Accepts connections and never answers: a hung load balancer.
    blackHole = createServer((socket) => sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => blackHole.listen(port, '127.0.0.1', resolve));
    silentEndpoint = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  async function expectUnavailable(options: S3ObjectStorageOptions, withinMs: number): Promise<void> {
    const sut = new S3ObjectStorage(options);
    try {
      for (const call of [
        () => sut.put('tenants/t1/a', Buffer.from('x')),
        () => sut.get('tenants/t1/a'),
        () => sut.head('tenants/t1/a'),
        () => sut.delete('tenants/t1/a'),
        () => sut.deletePrefix('tenants/t1/'),
      ]) {
        const started = Date.now();
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageUnavailableError);
        expect(Date.now() - started).toBeLessThan(withinMs);
      }
    } finally {
      await sut.onApplicationShutdown();
    }
  }

  it('answers StorageUnavailableError at once when nothing listens on the endpoint', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expectUnavailable({ ...s3Options(closed, 'bucket'), maxAttempts: 2 }, 2_000);
  });

  it('answers StorageUnavailableError after its socket timeout when the endpoint never answers', async () => {
    await expectUnavailable({ ...s3Options(silentEndpoint, 'bucket'), maxAttempts: 1, socketTimeoutMs: 300 }, 2_000);
  });
});
