/** Base of every problem type URI; each type is documented in docs/errors.md. */
export const PROBLEM_BASE = 'https://helpdeskly.dev/problems/';

export interface FieldError {
  /** Dotted path of the offending input, prefixed by where it came from: `body.email`, `query.limit`, `params.id`. */
  readonly field: string;
  readonly message: string;
  /** The rule that failed (`isEmail`, `max`, `whitelistValidation`, ...). */
  readonly code?: string;
}

/** RFC 9457 problem details, as every error response of both APIs is shaped. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  /** Stable machine-readable code of the error, e.g. `validation_failed`, `tenant_suspended`. */
  readonly code: string;
  readonly requestId: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemType = (slug: string) => `${PROBLEM_BASE}${slug}`;
