import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ContentLengthMismatchError } from './storage.errors';

/**
 * Passes a body through unchanged while counting and hashing it, so both drivers report size and
 * SHA-256 without a second read; with `expected`, fails the stream (and so the upload) as soon as
 * the body turns out longer, or at its end when it was shorter.
 */
export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private digest?: string;

  constructor(
    private readonly key: string,
    private readonly expected?: number,
  ) {
    super();
  }

  /** Size and SHA-256 of what went through; only once the stream has ended. */
  result(): { size: number; sha256: string } {
    if (this.digest === undefined) throw new Error('DigestStream.result() before the end of the body');
    return { size: this.bytes, sha256: this.digest };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected)
      return callback(new ContentLengthMismatchError(this.key, this.expected, this.bytes));
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected)
      return callback(new ContentLengthMismatchError(this.key, this.expected, this.bytes));
    this.digest = this.hash.digest('hex');
    callback();
  }
}
