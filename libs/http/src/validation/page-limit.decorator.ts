import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export interface PageLimitOptions {
  /** The page size when the query leaves `limit` out, as documented; the property's initializer applies it. */
  readonly default: number;
  /** The largest page a client may ask for. */
  readonly max?: number;
}

/**
 * The `limit` of a paginated list query: an optional whole number from 1 to `max` (100 unless
 * given), converted from its query string. Declare the default on the property as well:
 * `@PageLimit({ default: 50 }) limit: number = 50;`.
 */
export function PageLimit({ default: size, max = 100 }: PageLimitOptions): PropertyDecorator {
  // Listed bottom-up, in the order stacked decorators apply, so that class-validator reports a bad
  // limit's rules in the same order as the hand-written stacks this replaces.
  return applyDecorators(
    Max(max),
    Min(1),
    IsInt(),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ minimum: 1, maximum: max, default: size }),
  );
}
