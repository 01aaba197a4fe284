import { describe, it } from 'node:test';
import { expect } from 'expect';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, validateSync } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimit } from './page-limit.decorator';

// @nestjs/swagger's metadata key for a property's schema (its constants are not exported).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

class PageQuery {
  @PageLimit({ default: 50 })
  limit: number = 50;
}

class SmallPageQuery {
  @PageLimit({ default: 10, max: 20 })
  limit: number = 10;
}

/** The stack PageLimit replaced. */
class HandWrittenPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
}

const errorsOf = (dto: new () => object, query: Record<string, unknown>) =>
  validateSync(plainToInstance(dto, query)).map((e) => e.constraints);

describe('PageLimit', () => {
  it('converts the query string to a number, and keeps the default when left out', () => {
    expect(plainToInstance(PageQuery, { limit: '7' }).limit).toBe(7);
    expect(plainToInstance(PageQuery, {}).limit).toBe(50);
    expect(errorsOf(PageQuery, { limit: '100' })).toEqual([]);
    expect(errorsOf(PageQuery, {})).toEqual([]);
  });

  it('refuses what is not a whole number from 1 to the maximum, with the messages of the stack it replaced', () => {
    for (const limit of ['0', '101', '2.5', 'ten']) {
      expect(errorsOf(PageQuery, { limit })).toEqual(errorsOf(HandWrittenPageQuery, { limit }));
    }
    expect(errorsOf(PageQuery, { limit: 'ten' })).toEqual([
      {
        max: 'limit must not be greater than 100',
        min: 'limit must not be less than 1',
        isInt: 'limit must be an integer number',
      },
    ]);
    expect(errorsOf(SmallPageQuery, { limit: '21' })).toEqual([{ max: 'limit must not be greater than 20' }]);
  });

  it('documents the range and the default', () => {
    const documented = (dto: object) => Reflect.getMetadata(API_MODEL_PROPERTIES, dto, 'limit');
    expect(documented(PageQuery.prototype)).toEqual(documented(HandWrittenPageQuery.prototype));
    expect(documented(SmallPageQuery.prototype)).toMatchObject({ minimum: 1, maximum: 20, default: 10 });
  });
});
