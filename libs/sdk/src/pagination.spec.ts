import { describe, it } from 'node:test';
import { expect } from 'expect';
import { items, type Page, pages } from './pagination';

const list = (all: number[], size: number) => {
  const cursors: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined): Promise<Page<number>> => {
    cursors.push(cursor);
    const start = cursor === undefined ? 0 : Number(cursor);
    const next = start + size;
    return { items: all.slice(start, next), nextCursor: next < all.length ? String(next) : null };
  };
  return { fetchPage, cursors };
};

describe(pages.name, () => {
  it('yields every page, passing each nextCursor to the next fetch', async () => {
    const { fetchPage, cursors } = list([1, 2, 3, 4, 5], 2);
    const seen: Array<readonly number[]> = [];
    for await (const page of pages(fetchPage)) seen.push(page.items);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    expect(cursors).toEqual([undefined, '2', '4']);
  });

  it('stops fetching when the loop breaks', async () => {
    const { fetchPage, cursors } = list([1, 2, 3, 4, 5], 2);
    for await (const page of pages(fetchPage)) if (page.items.includes(3)) break;
    expect(cursors).toEqual([undefined, '2']);
  });

  it('ends on an absent nextCursor, and throws when a cursor comes back', async () => {
    const once = async () => ({ items: [1] });
    const all: number[] = [];
    for await (const n of items(once)) all.push(n);
    expect(all).toEqual([1]);

    const stuck = async () => ({ items: [1], nextCursor: 'same' });
    await expect(
      (async () => {
        for await (const _ of items(stuck));
      })(),
    ).rejects.toThrow(/came back/);
  });
});

describe(items.name, () => {
  it('flattens the pages, and yields nothing of an empty list', async () => {
    const out: number[] = [];
    for await (const n of items(list([1, 2, 3, 4, 5], 2).fetchPage)) out.push(n);
    expect(out).toEqual([1, 2, 3, 4, 5]);
    const none: number[] = [];
    for await (const n of items(list([], 2).fetchPage)) none.push(n);
    expect(none).toEqual([]);
  });
});
