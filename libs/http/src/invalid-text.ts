import type { FieldError } from '@helpdeskly/errors';
import { ProblemException } from '@helpdeskly/errors';

/**
 * NUL, or a UTF-16 surrogate without its partner: PostgreSQL stores neither in text or jsonb
 * (SQLSTATE 22021 / 22P05), and JSON.parse and the query-string parser hand both over happily.
 */
// eslint-disable-next-line no-control-regex -- NUL is what this pattern is for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** Deeper than any DTO of ours; far deeper nesting only serves to exhaust the validators' recursion. */
export const MAX_INPUT_DEPTH = 32;
/** Enough to name the mistakes; a body full of NULs does not need a thousand entries. */
const MAX_REPORTED = 10;

export const hasUnstorableText = (text: string): boolean => UNSTORABLE.test(text);

/** A key holding the very characters refused is shown with U+FFFD in their place. */
const printable = (key: string) => key.replace(UNSTORABLE_ALL, '\uFFFD');

/**
 * Every string value and object key under `value` that PostgreSQL cannot store, as field errors
 * named by dotted path from `prefix` (`body.customFields.x`, `body.tags.0`, `query.q`), and any
 * nesting deeper than {@link MAX_INPUT_DEPTH}. Iterative, so no input can overflow the stack.
 */
export function findInvalidText(value: unknown, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<[unknown, string, number]> = [[value, prefix, 0]];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current))
        errors.push({
          field: path,
          code: 'invalidText',
          message: `${path} contains NUL or an unpaired UTF-16 surrogate, which cannot be stored`,
        });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      errors.push({
        field: path,
        code: 'maxDepth',
        message: `${path} is nested deeper than ${MAX_INPUT_DEPTH} levels`,
      });
      continue;
    }
    const entries = Array.isArray(current)
      ? current.map((item, index) => [String(index), item] as const)
      : Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const itemPath = `${path}.${printable(key)}`;
      if (UNSTORABLE.test(key))
        errors.push({
          field: itemPath,
          code: 'invalidText',
          message: `The key of ${itemPath} contains NUL or an unpaired UTF-16 surrogate, which cannot be stored`,
        });
      else stack.push([item, itemPath, depth + 1]);
    }
  }
  return errors.slice(0, MAX_REPORTED);
}

/** 400 invalid_text: the request carries text the database cannot store. */
export class InvalidTextProblem extends ProblemException {
  constructor(errors: readonly FieldError[]) {
    const depth = errors.every((e) => e.code === 'maxDepth');
    super({
      status: 400,
      code: depth ? 'input_too_deep' : 'invalid_text',
      title: depth ? 'Input nested too deeply' : 'Invalid text',
      detail: `${depth ? 'Nested too deeply' : 'Text that cannot be stored (NUL or an unpaired surrogate)'}: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
      errors,
    });
  }
}

/** What a request carries into our code: headers (Idempotency-Key, If-Match, ...), path parameters, query and body. */
export interface RequestInput {
  readonly headers?: unknown;
  readonly params?: unknown;
  readonly query?: unknown;
  readonly body?: unknown;
}

/** The problem to answer for a request carrying unstorable text, or undefined when it carries none. */
export function invalidTextProblem(input: RequestInput): InvalidTextProblem | undefined {
  const errors = [
    ...findInvalidText(input.headers, 'headers'),
    ...findInvalidText(input.params, 'params'),
    ...findInvalidText(input.query, 'query'),
    ...findInvalidText(input.body, 'body'),
  ];
  return errors.length > 0 ? new InvalidTextProblem(errors.slice(0, MAX_REPORTED)) : undefined;
}
