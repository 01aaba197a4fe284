/** A page of a cursor-paginated list, as every list route of both APIs answers. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next page; null (or absent) on the last. */
  readonly nextCursor?: string | null;
}

/**
 * Every page of a list, first to last: `fetchPage` gets undefined for the first and each page's
 * `nextCursor` after. Stops early when the caller breaks out of the loop.
 *
 *   for await (const page of pages((cursor) => unwrap(sdk.app.GET('/v1/tickets', { params: { query: { cursor } } }))))
 */
export async function* pages<P extends Page<unknown>>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
): AsyncGenerator<P, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page;
    if (page.nextCursor === null || page.nextCursor === undefined) return;
    // A server bug must not turn into a loop that never ends.
    if (seen.has(page.nextCursor))
      throw new Error(`The cursor ${page.nextCursor} came back: the list does not advance`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/** Every item of a list, page after page (see {@link pages}). */
export async function* items<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  for await (const page of pages(fetchPage)) yield* page.items;
}
