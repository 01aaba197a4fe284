import { describe, it } from 'node:test';
import { expect } from 'expect';
import { pageArgs, toPage } from './pagination';

describe('pagination', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}` }));

  it('reads one row more than the page, after the cursor', () => {
    expect(pageArgs(undefined, 25)).toEqual({ take: 26 });
    expect(pageArgs('r9', 25)).toEqual({ take: 26, cursor: { id: 'r9' }, skip: 1 });
  });

  it('gives the next cursor only when another page follows', () => {
    expect(toPage(rows(3), 2)).toEqual({ items: rows(2), nextCursor: 'r1' });
    expect(toPage(rows(2), 2)).toEqual({ items: rows(2), nextCursor: null });
    expect(toPage([], 2)).toEqual({ items: [], nextCursor: null });
  });
});
