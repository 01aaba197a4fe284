import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'expect';
import type { ObjectStorage } from '../object-storage';
import { ContentLengthMismatchError, InvalidObjectKeyError, ObjectNotFoundError } from '../storage.errors';

const MIB = 1024 * 1024;

export interface ContractOptions {
  /**
   * false: the backend itself lets concurrent writes of one key interleave (s3rver writes objects
   * in place, stores/filesystem.js putObject), so only each put's own answer is checked. AWS S3,
   * MinIO and the local driver replace an object atomically.
   */
  readonly atomicConcurrentPuts?: boolean;
}

export interface StorageUnderTest {
  readonly storage: ObjectStorage;
  /** After the suite: stop servers, remove folders. */
  readonly stop: () => Promise<void>;
}

/**
 * What every {@link ObjectStorage} driver must do, run against each on its real backend
 * (object-storage.int-spec.ts). Each test writes under a prefix of its own, so tests share a store.
 */
export function objectStorageContract(
  name: string,
  start: () => Promise<StorageUnderTest>,
  { atomicConcurrentPuts = true }: ContractOptions = {},
): void {
  describe(`${name}: the ObjectStorage contract`, () => {
    let sut: ObjectStorage;
    let running: StorageUnderTest;
    const fresh = () => `tenants/${randomUUID()}/`;

    before(async () => {
      running = await start();
      sut = running.storage;
    });
    after(async () => running?.stop());

    it('puts, heads, gets and deletes an object, with its size, SHA-256 and content type', async () => {
      const key = `${fresh()}attachments/hello.txt`;
      const body = Buffer.from('Hello, helpdesk\n');
      const put = await sut.put(key, body, { contentType: 'text/plain; charset=utf-8' });
      expect(put).toEqual({ key, size: body.length, sha256: sha256(body) });
      expect(await sut.head(key)).toEqual({ size: body.length, contentType: 'text/plain; charset=utf-8' });

      const object = await sut.get(key);
      expect(object.size).toBe(body.length);
      expect(object.contentType).toBe('text/plain; charset=utf-8');
      expect(await bytesOf(object.body)).toEqual(body);

      await sut.delete(key);
      expect(await sut.head(key)).toBeNull();
      await expect(sut.get(key)).rejects.toThrow(ObjectNotFoundError);
    });

    it('answers a missing key: get throws ObjectNotFoundError naming it, head null, delete succeeds (twice)', async () => {
      const key = `${fresh()}never-written`;
      const error = await sut.get(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect((error as ObjectNotFoundError).key).toBe(key);
      expect(await sut.head(key)).toBeNull();
      await sut.delete(key);
      await sut.delete(key);
    });

    it('keeps binary bodies exact (every byte value, random data, an empty body)', async () => {
      const prefix = fresh();
      const every = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256));
      const random = randomBytes(MIB + 17);
      for (const [key, body] of [
        [`${prefix}every-byte`, every],
        [`${prefix}random.bin`, random],
        [`${prefix}empty`, Buffer.alloc(0)],
      ] as const) {
        const put = await sut.put(key, Readable.from([body.subarray(0, 100), body.subarray(100)]));
        expect(put).toEqual({ key, size: body.length, sha256: sha256(body) });
        const object = await sut.get(key);
        expect(object.size).toBe(body.length);
        expect(sha256(await bytesOf(object.body))).toBe(sha256(body));
      }
    });

    it('replaces an object put again under the same key', async () => {
      const key = `${fresh()}replaced`;
      await sut.put(key, Buffer.from('first version, longer'), { contentType: 'text/plain' });
      await sut.put(key, Buffer.from('second'), { contentType: 'application/octet-stream' });
      expect(await sut.head(key)).toEqual({ size: 6, contentType: 'application/octet-stream' });
      expect((await bytesOf((await sut.get(key)).body)).toString()).toBe('second');
    });

    it('streams a 20 MB body of unknown length both ways without holding it in memory', async () => {
      const key = `${fresh()}large.bin`;
      const size = 20 * MIB;
      const written = createHash('sha256');
      const { result: put, peak: putPeak } = await peakMemoryDuring((sample) =>
        sut.put(key, Readable.from(chunks(size, written, sample)), { contentType: 'application/octet-stream' }),
      );
      expect(put).toEqual({ key, size, sha256: written.digest('hex') });

      const { result: read, peak: getPeak } = await peakMemoryDuring(async (sample) => {
        const object = await sut.get(key);
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of object.body as AsyncIterable<Buffer>) {
          hash.update(chunk);
          if (Math.floor((bytes + chunk.length) / SAMPLE_EVERY) > Math.floor(bytes / SAMPLE_EVERY)) await sample();
          bytes += chunk.length;
        }
        return { size: object.size, bytes, sha256: hash.digest('hex') };
      });
      expect(read).toEqual({ size, bytes: size, sha256: put.sha256 });
      // A driver that buffers holds all 20 MiB at once. Measured, streaming: under 1 MiB on disk;
      // for S3 about twice its 5 MiB part on a put and 4 MiB on a get, the same for a 64 MiB body.
      expect(putPeak).toBeLessThan(size * 0.6);
      expect(getPeak).toBeLessThan(size * 0.3);
    });

    it('refuses a body longer or shorter than its contentLength, and keeps the object it had', async () => {
      const key = `${fresh()}announced`;
      await sut.put(key, Buffer.from('kept'));
      for (const body of [Buffer.from('twelve bytes'), Buffer.from('ten bytes!')])
        await expect(sut.put(key, Readable.from([body]), { contentLength: 11 })).rejects.toThrow(
          ContentLengthMismatchError,
        );
      expect((await bytesOf((await sut.get(key)).body)).toString()).toBe('kept');
      expect(await sut.put(key, Buffer.from('eleven byte'), { contentLength: 11 })).toMatchObject({ size: 11 });
    });

    it('stores nothing under the key when the body stream fails midway (one part, or several)', async () => {
      for (const before of [64 * 1024, 6 * MIB]) {
        const key = `${fresh()}broken-upload`;
        async function* failing() {
          for (let sent = 0; sent < before; sent += 64 * 1024) yield randomBytes(64 * 1024);
          throw new Error('the client went away');
        }
        await expect(sut.put(key, Readable.from(failing()))).rejects.toThrow('the client went away');
        expect(await sut.head(key)).toBeNull();
      }
    });

    it('ends concurrent puts of one key with exactly one of the bodies, whole', async () => {
      const key = `${fresh()}contended`;
      const bodies = Array.from({ length: 8 }, (_, i) => randomBytes(64 * 1024 * (i + 1)));
      const puts = await Promise.all(bodies.map((body) => sut.put(key, Readable.from([body]))));
      expect(puts.map((p) => p.sha256)).toEqual(bodies.map(sha256));
      if (!atomicConcurrentPuts) return;
      const stored = await bytesOf((await sut.get(key)).body);
      expect(puts.map((p) => p.sha256)).toContain(sha256(stored));
      expect((await sut.head(key))?.size).toBe(stored.length);
    });

    it('keeps an object and the objects "below" it apart (a/b and a/b/c)', async () => {
      const prefix = fresh();
      await sut.put(`${prefix}a/b`, Buffer.from('parent'));
      await sut.put(`${prefix}a/b/c`, Buffer.from('child'));
      expect((await bytesOf((await sut.get(`${prefix}a/b`)).body)).toString()).toBe('parent');
      expect((await bytesOf((await sut.get(`${prefix}a/b/c`)).body)).toString()).toBe('child');
      expect((await listed(sut, prefix)).sort()).toEqual([`${prefix}a/b`, `${prefix}a/b/c`]);
    });

    it('lists and deletes one tenant prefix, never another tenant (not even tenants/<id>0/)', async () => {
      const id = randomUUID();
      const [mine, longer, other] = [`tenants/${id}/`, `tenants/${id}0/`, `tenants/${randomUUID()}/`];
      const keys = (prefix: string) => [
        `${prefix}attachments/1.pdf`,
        `${prefix}attachments/2.png`,
        `${prefix}attachments/nested/3`,
        `${prefix}exports/all.zip`,
        `${prefix}Résumé (final).txt`,
      ];
      for (const prefix of [mine, longer, other]) for (const key of keys(prefix)) await sut.put(key, Buffer.from(key));

      expect((await listed(sut, mine)).sort()).toEqual(keys(mine).sort());
      expect((await listed(sut, `${mine}attachments/`)).sort()).toEqual(keys(mine).slice(0, 3).sort());
      expect(await sut.deletePrefix(mine)).toBe(5);
      expect(await listed(sut, mine)).toEqual([]);
      for (const key of keys(mine)) expect(await sut.head(key)).toBeNull();
      for (const prefix of [longer, other]) expect((await listed(sut, prefix)).sort()).toEqual(keys(prefix).sort());
      expect(await sut.deletePrefix(mine)).toBe(0);
      expect(await sut.deletePrefix(`tenants/${randomUUID()}/`)).toBe(0);
    });

    it('refuses an invalid key or prefix before any I/O', async () => {
      for (const key of ['../etc/passwd', '/abs', 'tenants/t1/../t2/x', 'a\u0000b', 'x'.repeat(1025)]) {
        await expect(sut.put(key, Buffer.from('x'))).rejects.toThrow(InvalidObjectKeyError);
        await expect(sut.get(key)).rejects.toThrow(InvalidObjectKeyError);
        await expect(sut.head(key)).rejects.toThrow(InvalidObjectKeyError);
        await expect(sut.delete(key)).rejects.toThrow(InvalidObjectKeyError);
      }
      for (const prefix of ['', 'tenants', 'tenants/t1', '../'])
        await expect(sut.deletePrefix(prefix)).rejects.toThrow(InvalidObjectKeyError);
      await expect(listed(sut, 'tenants')).rejects.toThrow(InvalidObjectKeyError);
    });
  });
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

async function bytesOf(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function listed(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of storage.list(prefix)) keys.push(key);
  return keys;
}

/** `size` random bytes in 64 KiB chunks, made as they are read, hashed into `hash`. */
async function* chunks(
  size: number,
  hash: ReturnType<typeof createHash>,
  sample: () => Promise<void> = async () => undefined,
): AsyncGenerator<Buffer> {
  for (let left = size; left > 0; left -= 64 * 1024) {
    const chunk = randomBytes(Math.min(64 * 1024, left));
    hash.update(chunk);
    if ((size - left) % SAMPLE_EVERY === 0 && left !== size) await sample();
    yield chunk;
  }
}

setFlagsFromString('--expose-gc');
// A full collection before each sample: what is measured is what is still referenced, not garbage.
const gc = runInNewContext('gc') as () => void;
/** Live Buffer memory: V8 frees the backing stores of collected buffers a moment after gc() returns, twice settles it. */
async function liveBuffers(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().arrayBuffers;
}

/**
 * The most Buffer memory (beyond what was held before) alive while `fn` runs, sampled whenever
 * `fn` calls `sample` (every few MiB of the body it moves: a driver that buffers holds all of
 * what came before at each of them). Each sample is two full collections, so sampling on a timer
 * instead made the transfer itself crawl (20 s for 20 MiB) and could miss a fast one entirely.
 */
async function peakMemoryDuring<T>(
  fn: (sample: () => Promise<void>) => Promise<T>,
): Promise<{ result: T; peak: number }> {
  const baseline = await liveBuffers();
  let peak = 0;
  const sample = async () => {
    peak = Math.max(peak, (await liveBuffers()) - baseline);
  };
  const result = await fn(sample);
  return { result, peak };
}

/** The bytes between two samples of a streamed body. */
const SAMPLE_EVERY = 4 * MIB;
