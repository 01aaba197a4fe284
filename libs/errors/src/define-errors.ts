import type { FieldError } from './problem-details';
import { ProblemException } from './problem.exception';
import { registerProblem } from './problem.registry';

/** One error of a domain: its snake_case code (the type URI derives from it), status and title. */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  /** Headers every answer with this code carries (`WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a throw site may add to its code's status and title. */
export interface DomainProblemExtra {
  readonly errors?: readonly FieldError[];
  /** Extension members added to the body (RFC 9457 section 3.2). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Added to, and over, the code's own headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Kept for the log; the filter never renders it. */
  readonly cause?: unknown;
}

/** Base of the exceptions `defineErrors` makes: a code of one domain, answered as its table says. */
export abstract class DomainException<Code extends string = string> extends ProblemException {
  protected constructor(
    readonly code: Code,
    spec: ErrorSpec,
    detail?: string,
    { cause, ...extra }: DomainProblemExtra = {},
  ) {
    super({
      ...extra,
      status: spec.status,
      title: spec.title,
      code,
      detail,
      headers: spec.headers && extra.headers ? { ...spec.headers, ...extra.headers } : (extra.headers ?? spec.headers),
    });
    if (cause !== undefined) this.cause = cause;
  }
}

/** The codes of a table by their names, to be used like an enum: `TagsErrorCode.TagNotFound`. */
export type ErrorCodes<Table extends Readonly<Record<string, ErrorSpec>>> = {
  readonly [Name in keyof Table]: Table[Name]['code'];
};

/** The union of a domain's codes: `type TagsErrorCode = CodeOf<typeof TagsErrorCode>`. */
export type CodeOf<Codes extends Readonly<Record<string, string>>> = Codes[keyof Codes];

export interface ErrorDomain<Table extends Readonly<Record<string, ErrorSpec>>> {
  readonly codes: ErrorCodes<Table>;
  /** The domain's exception, to extend (`class TagsException extends tags.Exception {}`) so it keeps its own name. */
  readonly Exception: {
    new (
      code: CodeOf<ErrorCodes<Table>>,
      detail?: string,
      extra?: DomainProblemExtra,
    ): DomainException<CodeOf<ErrorCodes<Table>>>;
    /** The table itself: `ApiProblems(MembersException.problems.TenantUnavailable)` where a code alone is ambiguous. */
    readonly problems: Table;
  };
}

/**
 * Declares a domain's errors in one table, name to `{ code, status, title }`: gives the codes (an
 * enum's stand-in) and the exception that answers with them, and records each code and its status
 * for `ApiProblems`.
 */
export function defineErrors<const Table extends Readonly<Record<string, ErrorSpec>>>(
  domain: string,
  table: Table,
): ErrorDomain<Table> {
  type Code = CodeOf<ErrorCodes<Table>>;
  const specs = new Map<string, ErrorSpec>();
  for (const spec of Object.values(table)) {
    if (specs.has(spec.code)) throw new Error(`The errors of ${domain} declare the code ${spec.code} twice.`);
    specs.set(spec.code, spec);
  }
  for (const { code, status, title } of specs.values()) registerProblem({ domain, code, status, title });
  const specOf = (code: string): ErrorSpec => {
    const spec = specs.get(code);
    if (!spec) throw new Error(`The errors of ${domain} declare no code ${code}.`);
    return spec;
  };

  class Exception extends DomainException<Code> {
    static readonly problems = table;

    constructor(code: Code, detail?: string, extra?: DomainProblemExtra) {
      super(code, specOf(code), detail, extra);
    }
  }
  const codes = Object.freeze(
    Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, spec.code])),
  ) as ErrorCodes<Table>;
  return { codes, Exception };
}
