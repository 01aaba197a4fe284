import type { FieldError } from './problem-details';

export interface ProblemInit {
  readonly status: number;
  /** snake_case code; the problem type URI is derived from it. */
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Extension members added to the body (RFC 9457 section 3.2). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Base of every error the APIs mean to answer with. Each domain declares its own subclass with a
 * table of codes (see `defineErrors`); the global filter turns any of them into problem details.
 */
export class ProblemException extends Error {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail ?? problem.title);
    this.name = new.target.name;
  }

  get status(): number {
    return this.problem.status;
  }
}
