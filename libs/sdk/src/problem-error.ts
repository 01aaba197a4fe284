/** One invalid input of a `validation_failed` (or `invalid_text`) problem. */
export interface FieldError {
  /** Where it came from and its dotted path: `body.email`, `query.limit`, `params.id`. */
  readonly field: string;
  readonly message: string;
  /** The rule that failed (`isEmail`, `max`, ...). */
  readonly code?: string;
}

/**
 * RFC 9457 problem details as both APIs answer every error (docs/errors.md). The server's type is
 * libs/errors' ProblemDetails, which the SDK cannot import (NestJS); problem-error.spec.ts keeps
 * the two assignable.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  /** Stable and machine-readable: `validation_failed`, `version_mismatch`, `token_expired`, ... */
  readonly code: string;
  readonly requestId: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A non-2xx answer. Answers in problem details are {@link ProblemError}s; this is the rest (a proxy's HTML 502, say). */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';

  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    /** The answer's headers: `Retry-After` of a 429 or 503, `ETag` of a 412. */
    readonly headers: Headers,
    message = `${method} ${url} answered ${status}`,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A non-2xx answer in problem details: `code` says what went wrong, `errors` which fields. */
export class ProblemError extends HttpError {
  override readonly name = 'ProblemError';

  constructor(
    readonly problem: ProblemDetails,
    method: string,
    url: string,
    headers: Headers,
    options?: ErrorOptions,
  ) {
    super(
      problem.status,
      method,
      url,
      headers,
      `${problem.title} (${problem.code})${problem.detail ? `: ${problem.detail}` : ''}`,
      options,
    );
  }

  get code(): string {
    return this.problem.code;
  }

  get title(): string {
    return this.problem.title;
  }

  get detail(): string | undefined {
    return this.problem.detail;
  }

  get requestId(): string {
    return this.problem.requestId;
  }

  get errors(): readonly FieldError[] {
    return this.problem.errors ?? [];
  }

  /** The messages for each invalid field, keyed by its path without `body.` (what a form shows next to its inputs). */
  get fields(): Readonly<Record<string, readonly string[]>> {
    const fields: Record<string, string[]> = {};
    for (const { field, message } of this.errors) (fields[field.replace(/^body\./, '')] ??= []).push(message);
    return fields;
  }
}

/** No answer at all: the connection failed or was cut. The request may or may not have been served. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(
    readonly method: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`${method} ${url} got no answer`, options);
  }
}

/** The error of a non-2xx `response` to `request`: a ProblemError when it is problem details. */
export async function errorOf(request: Request, response: Response, options?: ErrorOptions): Promise<HttpError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.split(';')[0]!.trim().toLowerCase() === PROBLEM_CONTENT_TYPE) {
    const problem = await response.json().catch(() => undefined);
    if (isProblem(problem)) return new ProblemError(problem, request.method, request.url, response.headers, options);
  } else {
    await response.body?.cancel();
  }
  return new HttpError(response.status, request.method, request.url, response.headers, undefined, options);
}

/** The `code` of a problem answer, leaving `response` readable. */
export async function problemCodeOf(response: Response): Promise<string | undefined> {
  if (!response.headers.get('content-type')?.toLowerCase().startsWith(PROBLEM_CONTENT_TYPE)) return undefined;
  const problem: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  return isProblem(problem) ? problem.code : undefined;
}

function isProblem(value: unknown): value is ProblemDetails {
  if (typeof value !== 'object' || value === null) return false;
  const { status, code, title } = value as Record<string, unknown>;
  return typeof status === 'number' && typeof code === 'string' && typeof title === 'string';
}
