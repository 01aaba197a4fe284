import { describe, it } from 'node:test';
import { expect } from 'expect';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { OptionalDateTime } from './optional-date-time.decorator';

// @nestjs/swagger's metadata key for a property's schema (its constants are not exported).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

class RangeQuery {
  @OptionalDateTime('From this instant, inclusive')
  from?: Date;
}

const errorsOf = (query: Record<string, unknown>) =>
  validateSync(plainToInstance(RangeQuery, query)).map((e) => e.constraints);

describe('OptionalDateTime', () => {
  it('converts ISO 8601 text to a Date, and may be left out', () => {
    expect(plainToInstance(RangeQuery, { from: '2026-03-01T12:00:00Z' }).from).toEqual(
      new Date('2026-03-01T12:00:00Z'),
    );
    expect(errorsOf({ from: '2026-03-01' })).toEqual([]);
    expect(errorsOf({})).toEqual([]);
  });

  it('refuses text that is not an instant', () => {
    expect(errorsOf({ from: 'yesterday' })).toEqual([{ isDate: 'from must be a Date instance' }]);
  });

  it('documents an optional date-time string with its description', () => {
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, RangeQuery.prototype, 'from')).toMatchObject({
      required: false,
      type: String,
      format: 'date-time',
      description: 'From this instant, inclusive',
    });
  });
});
