import {
  type ArgumentMetadata,
  Injectable,
  ValidationPipe as NestValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import type { FieldError } from './problem-details';
import { ProblemException } from './problem.exception';

const SOURCES: Record<string, string> = { body: 'body', query: 'query', param: 'params', custom: 'input' };

/** Flattens class-validator's tree into one entry per failed rule, with dotted field paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((e) => {
    const field = `${prefix}.${e.property}`;
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({ field, code, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** Carries class-validator's errors out of the base pipe, which does not know the input's source. */
class RawValidationErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

export class ValidationProblem extends ProblemException {
  constructor(errors: readonly FieldError[]) {
    super({
      status: 400,
      code: 'validation_failed',
      title: 'Invalid request',
      detail: `Invalid ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
      errors,
    });
  }
}

/**
 * The global validation pipe: strips nothing silently (unknown properties are an error), converts
 * query and path strings to the DTO's types, and reports each invalid field by name.
 */
@Injectable()
export class ValidationPipe extends NestValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      stopAtFirstError: false,
      exceptionFactory: (errors: ValidationError[]) => new RawValidationErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const prefix = SOURCES[metadata.type] ?? 'input';
    // A JSON body that is not an object (e.g. `[]` or `"x"`) cannot be validated field by field.
    if (
      metadata.type === 'body' &&
      metadata.metatype &&
      this.toValidate(metadata) &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new ValidationProblem([{ field: 'body', code: 'isObject', message: 'body must be a JSON object' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof RawValidationErrors)
        throw new ValidationProblem(flattenValidationErrors(error.errors, prefix));
      throw error;
    }
  }
}
