import { HttpException, HttpStatus } from '@nestjs/common';
import { type FieldError, type ProblemDetails, problemType } from './problem-details';
import { ProblemException } from './problem.exception';

/** What the filter needs to answer: the body, extra headers, and whether it was our fault. */
export interface MappedProblem {
  readonly body: ProblemDetails;
  readonly headers: Readonly<Record<string, string>>;
  readonly serverError: boolean;
  /** A client's mistake that our validation should have caught: logged as a warning to fix it there. */
  readonly warning?: boolean;
}

const TITLES: Readonly<Record<number, [code: string, title: string]>> = {
  400: ['bad_request', 'Bad request'],
  401: ['unauthorized', 'Authentication required'],
  403: ['forbidden', 'Forbidden'],
  404: ['not_found', 'Not found'],
  405: ['method_not_allowed', 'Method not allowed'],
  406: ['not_acceptable', 'Not acceptable'],
  408: ['request_timeout', 'Request timeout'],
  409: ['conflict', 'Conflict'],
  413: ['payload_too_large', 'Request body too large'],
  414: ['uri_too_long', 'URI too long'],
  415: ['unsupported_media_type', 'Unsupported media type'],
  422: ['unprocessable_entity', 'Unprocessable entity'],
  429: ['too_many_requests', 'Too many requests'],
  431: ['request_header_fields_too_large', 'Request header fields too large'],
  503: ['service_unavailable', 'Service unavailable'],
};

/** Fastify's own errors a client can cause, with what to tell the client. */
const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, { status: number; code: string; title: string; detail: string }>> =
  {
    FST_ERR_CTP_INVALID_JSON_BODY: {
      status: 400,
      code: 'malformed_json',
      title: 'Malformed JSON',
      detail: 'The request body is not valid JSON.',
    },
    FST_ERR_CTP_EMPTY_JSON_BODY: {
      status: 400,
      code: 'malformed_json',
      title: 'Malformed JSON',
      detail: 'The request declares a JSON body but sends none.',
    },
    FST_ERR_CTP_BODY_TOO_LARGE: {
      status: 413,
      code: 'payload_too_large',
      title: 'Request body too large',
      detail: 'The request body exceeds the size limit.',
    },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
      status: 400,
      code: 'bad_request',
      title: 'Bad request',
      detail: 'Content-Length does not match the body.',
    },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
      status: 415,
      code: 'unsupported_media_type',
      title: 'Unsupported media type',
      detail: 'Send the body as application/json.',
    },
    FST_ERR_CTP_INVALID_TYPE: {
      status: 400,
      code: 'bad_request',
      title: 'Bad request',
      detail: 'The Content-Type header is invalid.',
    },
    FST_ERR_BAD_URL: { status: 400, code: 'bad_request', title: 'Bad request', detail: 'The URL is malformed.' },
    FST_ERR_MAX_PARAM_LENGTH: {
      status: 414,
      code: 'uri_too_long',
      title: 'URI too long',
      detail: 'A path segment is longer than allowed.',
    },
    FST_ERR_ASYNC_CONSTRAINT: {
      status: 400,
      code: 'bad_request',
      title: 'Bad request',
      detail: 'The request is malformed.',
    },
  };

/** SQLSTATEs of a server that refuses work for now: too many connections, shutting down, starting. */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);
/** Node's socket errors: the database (or PgBouncer) did not answer or went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** Prisma's driver adapter errors for the same (its `kind`), and its pool and transaction-start timeouts. */
const ADAPTER_KINDS = new Set(['TooManyConnections', 'DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
/**
 * What PgBouncer answers (SQLSTATE 08P01) when every backend of the budget stayed busy, or it is
 * full. Its other 08P01s ("pgbouncer cannot connect to server", "server login has been failing")
 * mean the server is down or refusing logins: unavailable, not busy.
 */
const PGBOUNCER_BUSY = /^(query_wait_timeout|no more connections allowed)/;

/**
 * node-postgres' own errors for a connection lost under a query or a client left broken by it:
 * plain Errors with no code, recognised by their exact, fixed messages (pg/lib/client.js).
 */
const PG_CONNECTION_LOST = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/**
 * The database could not take the query for now: no connection free in time (the tenant backend
 * budget or a pool saturated: `busy`), or the server or PgBouncer refusing or gone (`unavailable`).
 * Not a bug and not the client's fault, so 503 with Retry-After rather than 500. Reads structured
 * fields only (codes, an adapter's kind), through the causes Prisma wraps them in, never a message
 * that merely mentions a code.
 */
export function databaseOutage(error: unknown): 'busy' | 'unavailable' | undefined {
  for (
    let e = error as Record<string, unknown> | null | undefined, depth = 0;
    e && typeof e === 'object' && depth < 5;
    depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    // node-postgres' pool, and Prisma's pool and transaction-start timeouts.
    if (message === 'timeout exceeded when trying to connect' || code === 'P2024' || code === 'P2028') return 'busy';
    if (code === undefined && PG_CONNECTION_LOST.has(message)) return 'unavailable';
    // A PostgreSQL or PgBouncer ErrorResponse, as node-postgres hands it over (it has a severity).
    if (code && typeof e.severity === 'string') {
      if (code === '53300') return 'busy';
      if (code === '08P01' && PGBOUNCER_BUSY.test(message)) return 'busy';
      if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return 'unavailable';
    }
    if (code && SOCKET_CODES.has(code) && typeof e.syscall === 'string') return 'unavailable';
    const kind = typeof e.kind === 'string' ? e.kind : undefined;
    if (kind && ADAPTER_KINDS.has(kind)) return kind === 'TooManyConnections' ? 'busy' : 'unavailable';
    const original = typeof e.originalCode === 'string' ? e.originalCode : undefined;
    if (original === '53300') return 'busy';
    if (original && (UNAVAILABLE_SQLSTATES.has(original) || original.startsWith('08')))
      return kind === 'postgres' && PGBOUNCER_BUSY.test(String(e.message ?? '')) ? 'busy' : 'unavailable';
    e = (e.cause ?? (e.meta as Record<string, unknown> | undefined)?.driverAdapterError) as
      Record<string, unknown> | undefined;
  }
  return undefined;
}

/** SQLSTATEs of text the database cannot store: NUL (22021) or a character its encoding lacks (22P05). */
const INVALID_TEXT_SQLSTATES = new Set(['22021', '22P05']);
/**
 * Other values a client sent that the database refused: too long (22001), out of range (22003),
 * not of the column's type (22P02, 22007, 22008), a bad LIMIT/OFFSET (2201W, 2201X), or too large
 * for an index or a tsvector (54000).
 */
const INVALID_INPUT_SQLSTATES = new Set(['22001', '22003', '22P02', '22007', '22008', '2201W', '2201X', '54000']);

/**
 * The SQLSTATE of an error the database raised over the client's input, found the way
 * {@link databaseOutage} finds an outage: node-postgres' error (it has a severity) or Prisma's
 * driver adapter error (`originalCode`), through the causes Prisma wraps them in.
 */
export function databaseInputError(error: unknown): 'invalid_text' | 'invalid_input' | undefined {
  for (
    let e = error as Record<string, unknown> | null | undefined, depth = 0;
    e && typeof e === 'object' && depth < 5;
    depth++
  ) {
    const sqlState =
      typeof e.code === 'string' && typeof e.severity === 'string'
        ? e.code
        : typeof e.originalCode === 'string'
          ? e.originalCode
          : undefined;
    if (sqlState && INVALID_TEXT_SQLSTATES.has(sqlState)) return 'invalid_text';
    if (sqlState && INVALID_INPUT_SQLSTATES.has(sqlState)) return 'invalid_input';
    e = (e.cause ?? (e.meta as Record<string, unknown> | undefined)?.driverAdapterError) as
      Record<string, unknown> | undefined;
  }
  return undefined;
}

function fastifyCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in FASTIFY_CLIENT_ERRORS ? code : undefined;
}

/** The problem details of a bare HTTP status: its code and title from one table, and `detail`. */
export function problemFromStatus(
  status: number,
  detail: string | undefined,
  requestId: string,
  instance?: string,
  errors?: readonly FieldError[],
): ProblemDetails {
  const [code, title] =
    TITLES[status] ?? (status >= 500 ? ['internal_error', 'Internal server error'] : ['bad_request', 'Bad request']);
  return {
    type: problemType(code.replace(/_/g, '-')),
    title,
    status,
    detail,
    instance,
    code,
    requestId,
    ...(errors ? { errors } : {}),
  };
}

function httpExceptionDetail(error: HttpException): string | undefined {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}

/**
 * Turns anything thrown while serving a request into RFC 9457 problem details. Client mistakes
 * keep their 4xx status and a safe message; anything else is a 500 that shows only the request
 * id, so no stack trace or internal message ever reaches a client.
 */
export function toProblem(error: unknown, requestId: string, instance?: string): MappedProblem {
  if (error instanceof ProblemException) {
    const p = error.problem;
    const body: ProblemDetails = {
      ...p.extensions,
      type: problemType(p.code.replace(/_/g, '-')),
      title: p.title,
      status: p.status,
      detail: p.detail,
      instance,
      code: p.code,
      requestId,
      ...(p.errors ? { errors: p.errors } : {}),
    };
    // Deliberate answers, even a 503: nothing unexpected happened.
    return { body, headers: p.headers ?? {}, serverError: false };
  }

  // Nest wraps Fastify's client errors in an HttpException whose cause keeps Fastify's code.
  const fastifyCode = fastifyCodeOf(error) ?? fastifyCodeOf((error as { cause?: unknown } | null)?.cause);
  if (fastifyCode) {
    const known = FASTIFY_CLIENT_ERRORS[fastifyCode];
    return {
      body: {
        type: problemType(known.code.replace(/_/g, '-')),
        title: known.title,
        status: known.status,
        detail: known.detail,
        instance,
        code: known.code,
        requestId,
      },
      headers: {},
      serverError: false,
    };
  }

  const outage = databaseOutage(error);
  if (outage === 'busy') {
    return {
      body: {
        type: problemType('database-busy'),
        title: 'Database busy',
        status: 503,
        detail: 'The database had no connection free in time; retry shortly.',
        instance,
        code: 'database_busy',
        requestId,
      },
      headers: { 'retry-after': '1' },
      serverError: false,
    };
  }
  if (outage === 'unavailable') {
    return {
      body: {
        type: problemType('service-unavailable'),
        title: 'Service unavailable',
        status: 503,
        detail: 'The database is not reachable right now; retry shortly.',
        instance,
        code: 'service_unavailable',
        requestId,
        dependency: 'database',
      },
      headers: { 'retry-after': '5' },
      serverError: false,
    };
  }

  // Defence in depth behind the input checks: never a 500 (nor the driver's message) for input the database refused.
  const refused = databaseInputError(error);
  if (refused) {
    const [title, detail] =
      refused === 'invalid_text'
        ? ['Invalid text', 'The request carries text that cannot be stored (NUL or an unpaired surrogate).']
        : ['Invalid input', 'A value of the request is out of the range the database accepts.'];
    return {
      body: {
        type: problemType(refused.replace(/_/g, '-')),
        title,
        status: 400,
        detail,
        instance,
        code: refused,
        requestId,
      },
      headers: {},
      serverError: false,
      warning: true,
    };
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status < 500) {
      const detail =
        status === HttpStatus.NOT_FOUND && /^Cannot [A-Z]+ /.test(httpExceptionDetail(error) ?? '')
          ? 'No route matches this method and path.'
          : httpExceptionDetail(error);
      return { body: problemFromStatus(status, detail, requestId, instance), headers: {}, serverError: false };
    }
    return {
      body: problemFromStatus(
        status,
        status === 503
          ? httpExceptionDetail(error)
          : `An unexpected error occurred. Quote request id ${requestId} when reporting it.`,
        requestId,
        instance,
      ),
      headers: {},
      serverError: status !== 503,
    };
  }

  // Any other framework error that carries a 4xx status is the client's (e.g. a bad header).
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { body: problemFromStatus(statusCode, undefined, requestId, instance), headers: {}, serverError: false };
  }

  return {
    body: problemFromStatus(
      500,
      `An unexpected error occurred. Quote request id ${requestId} when reporting it.`,
      requestId,
      instance,
    ),
    headers: {},
    serverError: true,
  };
}
