import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { OnApplicationShutdown } from '@nestjs/common';
import { pipeline, Readable } from 'node:stream';
import type { S3StorageConfig } from '@helpdeskly/config';
import { DigestStream } from './digest-stream';
import { PartReader } from './part-reader';
import { assertObjectKey, assertObjectPrefix } from './object-key';
import { type ObjectInfo, ObjectStorage, type PutOptions, type PutResult, type StoredObject } from './object-storage';
import { deleteErrorOf, storageErrorOf } from './s3-errors';
import { ObjectNotFoundError } from './storage.errors';

export interface S3ObjectStorageOptions extends S3StorageConfig {
  /** Milliseconds to open a connection. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds a connection may stay silent; an idle timeout, so large bodies are not cut. */
  readonly socketTimeoutMs?: number;
  /** Tries of each request, the SDK's backoff between them (1: no retry). */
  readonly maxAttempts?: number;
  /** Bytes of each part of a multipart upload (S3's minimum: 5 MiB), the memory a put holds; a smaller body is one PUT. */
  readonly partSize?: number;
  /** Keys per ListObjectsV2 page and so per DeleteObjects call (S3's maximum: 1000). */
  readonly listPageSize?: number;
}

const MIB = 1024 * 1024;

/**
 * Objects in a bucket of AWS S3 or an S3-compatible service (MinIO, Ceph, R2...), through the AWS
 * SDK v3. A body of unknown length is read one part (5 MiB) at a time into one reused buffer: it
 * is one PUT when it fits in a part, else a multipart upload, aborted if anything fails (a failed
 * put never leaves an object, nor parts that S3 would bill). Not `@aws-sdk/lib-storage`: its
 * chunker holds three to five parts at once (15 to 25 MiB measured for a 20 MiB body).
 */
export class S3ObjectStorage extends ObjectStorage implements OnApplicationShutdown {
  private readonly client: S3Client;

  constructor(private readonly options: S3ObjectStorageOptions) {
    super();
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 5_000,
        socketTimeout: options.socketTimeoutMs ?? 30_000,
      },
      // Since 3.729 the SDK adds CRC32 checksums (aws-chunked trailers) to every upload, which many
      // S3-compatible services refuse; send them only where S3 requires one (DeleteObjects).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key);
    const digest = new DigestStream(key, options.contentLength);
    // pipeline, not pipe: an error of the caller's stream reaches the reader, and so the upload.
    const source = pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, digest, () => undefined);
    const reader = new PartReader(source[Symbol.asyncIterator](), Math.max(this.options.partSize ?? 5 * MIB, 5 * MIB));
    try {
      const first = await reader.next();
      if (reader.ended) await this.putOne(key, first, options.contentType);
      else await this.putParts(key, first, reader, options.contentType);
    } catch (error) {
      source.destroy();
      throw storageErrorOf(error, key);
    }
    return { key, ...digest.result() };
  }

  private async putOne(key: string, body: Buffer, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: contentType,
      }),
    );
  }

  private async putParts(key: string, first: Buffer, reader: PartReader, contentType?: string): Promise<void> {
    const { bucket: Bucket } = this.options;
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: contentType }),
    );
    try {
      const parts: CompletedPart[] = [];
      // The reader refills the part's buffer: each part is sent (retries included) before the next is read.
      for (let part = first, PartNumber = 1; part.length > 0; PartNumber++) {
        const { ETag } = await this.client.send(
          new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber, Body: part, ContentLength: part.length }),
        );
        parts.push({ PartNumber, ETag });
        if (reader.ended) break;
        part = await reader.next();
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject> {
    assertObjectKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      // In Node the SDK's body is an http.IncomingMessage.
      return { body: answer.Body as Readable, size: answer.ContentLength ?? 0, contentType: answer.ContentType };
    } catch (error) {
      throw storageErrorOf(error, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertObjectKey(key);
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { size: answer.ContentLength ?? 0, contentType: answer.ContentType };
    } catch (error) {
      const mapped = storageErrorOf(error, key);
      if (mapped instanceof ObjectNotFoundError) return null;
      throw mapped;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (error) {
      throw storageErrorOf(error, key);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const keys of this.pages(prefix)) yield* keys;
  }

  /** One DeleteObjects per listed page, so a prefix of any size is deleted in bounded memory. */
  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    for await (const keys of this.pages(prefix)) {
      let answer;
      try {
        answer = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.options.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      } catch (error) {
        throw storageErrorOf(error, prefix);
      }
      if (answer.Errors?.length) throw deleteErrorOf(answer.Errors[0]);
      deleted += keys.length;
    }
    return deleted;
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.destroy();
  }

  private async *pages(prefix: string): AsyncGenerator<string[]> {
    assertObjectPrefix(prefix);
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: this.options.listPageSize ?? 1000 },
      { Bucket: this.options.bucket, Prefix: prefix },
    );
    try {
      for await (const page of pages) {
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
        if (keys.length > 0) yield keys;
      }
    } catch (error) {
      throw storageErrorOf(error, prefix);
    }
  }
}
