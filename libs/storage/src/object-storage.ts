import type { Readable } from 'node:stream';

export interface PutOptions {
  readonly contentType?: string;
  /** When given, a body of another length is refused ({@link ContentLengthMismatchError}) and nothing is stored. */
  readonly contentLength?: number;
}

export interface PutResult {
  readonly key: string;
  /** Bytes stored. */
  readonly size: number;
  /** Hex SHA-256 of the bytes stored, computed while they streamed through. */
  readonly sha256: string;
}

export interface ObjectInfo {
  readonly size: number;
  readonly contentType?: string;
}

export interface StoredObject extends ObjectInfo {
  /** Read it to the end or destroy it: an S3 body holds a connection until then. */
  readonly body: Readable;
}

/**
 * Where attachments and other blobs live (DI token; {@link StorageModule} provides it from the
 * configuration): {@link LocalDiskObjectStorage} in development and tests, {@link S3ObjectStorage}
 * on AWS S3 or any S3-compatible service. Bodies stream both ways and are never held whole in
 * memory. Keys follow `object-key.ts` (`tenants/<tenantId>/...`, see docs/storage.md); an invalid
 * one throws {@link InvalidObjectKeyError} before any I/O, an unreachable store
 * {@link StorageUnavailableError}.
 */
export abstract class ObjectStorage {
  /** Stores `body` under `key`, replacing what was there; readers see the old object or the new one, never a part. */
  abstract put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult>;

  /** Throws {@link ObjectNotFoundError} when there is none. */
  abstract get(key: string): Promise<StoredObject>;

  /** The object's size and type, or null when there is none. */
  abstract head(key: string): Promise<ObjectInfo | null>;

  /** Deletes the object; deleting one that is not there succeeds (idempotent). */
  abstract delete(key: string): Promise<void>;

  /** Every key under `prefix` (which ends in `/`), in no promised order. */
  abstract list(prefix: string): AsyncIterable<string>;

  /** Deletes every object under `prefix` (which ends in `/`, see `assertObjectPrefix`); returns how many. */
  abstract deletePrefix(prefix: string): Promise<number>;
}
