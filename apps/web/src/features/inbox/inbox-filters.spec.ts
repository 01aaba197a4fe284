import { describe, it } from 'node:test';
import { expect } from 'expect';
import { filtersToParams, NO_FILTERS, parseFilters, sameFilters, ticketQuery } from './inbox-filters';

const parse = (search: string) => parseFilters(new URLSearchParams(search));

describe(parseFilters.name, () => {
  it('reads every filter of the URL', () => {
    expect(
      parse('status=open,PENDING&priority=URGENT&assignee=me&tag=Billing&q=%20printer%20fire&overdue=true'),
    ).toEqual({
      status: ['OPEN', 'PENDING'],
      priority: ['URGENT'],
      assignee: 'me',
      tag: 'billing',
      q: 'printer fire',
      overdue: true,
    });
  });

  it('drops values the API does not know, duplicates and blanks', () => {
    expect(parse('status=OPEN,LOST,OPEN&priority=&assignee=bob&tag=%20&q=')).toEqual({
      status: ['OPEN'],
      priority: [],
      assignee: undefined,
      tag: undefined,
      q: undefined,
      overdue: undefined,
    });
  });
});

describe(filtersToParams.name, () => {
  it('round-trips through the URL in a fixed order', () => {
    const filters = parse('q=toner&assignee=none&status=NEW,OPEN');
    expect(filtersToParams(filters).toString()).toBe('status=NEW%2COPEN&assignee=none&q=toner');
    expect(parseFilters(filtersToParams(filters))).toEqual(filters);
  });

  it('leaves no filters as an empty URL', () => {
    expect(filtersToParams(NO_FILTERS).toString()).toBe('');
    expect(sameFilters(parse(''), NO_FILTERS)).toBe(true);
    expect(sameFilters(parse('assignee=me'), NO_FILTERS)).toBe(false);
  });
});

describe(ticketQuery.name, () => {
  it('sends only the filters that are set', () => {
    expect(ticketQuery(parse('status=OPEN&assignee=me&q=fire'))).toEqual({
      status: ['OPEN'],
      assignee: 'me',
      q: 'fire',
      limit: 25,
    });
    expect(ticketQuery(parse('overdue=true&tag=vip'), 10)).toEqual({ overdue: true, tag: 'vip', limit: 10 });
  });
});
