/** Most resources whose ETag is kept; the oldest seen is forgotten first. */
const MAX_ENTRIES = 1000;

/** Methods whose 2xx answer describes the resource at the request's URL. */
const DESCRIBING = new Set(['GET', 'HEAD', 'PUT', 'PATCH']);

/**
 * The last ETag each resource answered with, keyed by its URL without the query: what `If-Match`
 * sends, so that a change made on a stale copy is refused (412 `version_mismatch`) instead of
 * overwriting someone else's. A 412 does not update it: the caller reads the resource again first.
 */
export class ETagStore {
  private readonly etags = new Map<string, string>();

  /** Keeps the ETag of a 2xx `response` to `request`; a DELETE forgets the resource's. */
  record(request: Request, response: Response): void {
    const key = keyOf(request.url);
    if (request.method === 'DELETE') {
      this.etags.delete(key);
      return;
    }
    const etag = response.headers.get('etag');
    if (etag === null || !DESCRIBING.has(request.method)) return;
    this.etags.delete(key);
    this.etags.set(key, etag);
    if (this.etags.size > MAX_ENTRIES) this.etags.delete(this.etags.keys().next().value!);
  }

  /** The last ETag seen for `url` (absolute). */
  get(url: string): string | undefined {
    return this.etags.get(keyOf(url));
  }

  clear(): void {
    this.etags.clear();
  }
}

const keyOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};
