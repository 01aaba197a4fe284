import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';

/**
 * An optional instant of a query (`from`, `to`, `createdAfter`): ISO 8601 text converted to a
 * `Date`, refused when it does not parse. `description` says which bound it is.
 */
export function OptionalDateTime(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date-time', description }),
    IsOptional(),
    Type(() => Date),
    IsDate(),
  );
}
