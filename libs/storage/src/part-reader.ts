/**
 * Cuts a stream into parts of `partSize` bytes for a multipart upload, copying each into one
 * buffer that is reused for the next part: a put holds one part in memory, whatever the body's
 * size. A part returned is valid until the next call of {@link next}.
 */
export class PartReader {
  private buffer?: Buffer;
  private leftover?: Buffer;
  /** The source is exhausted: the part last returned was the last (it may be empty). */
  ended = false;

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    private readonly partSize: number,
  ) {}

  async next(): Promise<Buffer> {
    // Allocated on first use: untouched pages of a large allocation cost no memory, so a small body costs little.
    const buffer = (this.buffer ??= Buffer.allocUnsafe(this.partSize));
    let filled = 0;
    while (filled < buffer.length) {
      let chunk = this.leftover;
      this.leftover = undefined;
      if (!chunk) {
        const read = await this.source.next();
        if (read.done) {
          this.ended = true;
          break;
        }
        chunk = read.value;
      }
      const copied = chunk.copy(buffer, filled);
      filled += copied;
      if (copied < chunk.length) this.leftover = chunk.subarray(copied);
    }
    return buffer.subarray(0, filled);
  }
}
