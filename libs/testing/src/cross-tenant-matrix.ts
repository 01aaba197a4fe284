import { httpRequest, type HttpRequestOptions, type HttpResult } from './http-request';
import { type FuzzOperation, type OpenApiDocument, operationsOf } from './openapi-fuzz';

/**
 * A path parameter named by the literal segment before it, which says what it is the id of:
 * `/v1/tickets/{id}/tags/{tag}` has `tickets/{id}` and `tags/{tag}`. The same name means
 * different things on different routes (`id` of a ticket, a contact, an invitation), the pair does not.
 */
export function pathParameterKeys(path: string): { name: string; key: string }[] {
  const segments = path.split('/').filter(Boolean);
  return segments.flatMap((segment, i) => {
    const match = /^\{(.+)\}$/.exec(segment);
    return match ? [{ name: match[1], key: `${segments[i - 1] ?? ''}/${segment}` }] : [];
  });
}

/** The operations of a document that take a path parameter. */
export const idOperationsOf = (document: OpenApiDocument): FuzzOperation[] =>
  operationsOf(document).filter((op) => pathParameterKeys(op.path).length > 0);

/** A value of tenant A for a path parameter, and a well-formed one that names nothing at all. */
export interface ParameterValue {
  readonly real: string;
  readonly absent: string;
}

export interface CrossTenantMatrixOptions {
  /** For messages: `app-api`. */
  readonly api: string;
  readonly baseUrl: string;
  readonly document: OpenApiDocument;
  /** Tenant B's token: every request of the matrix is sent with it. */
  readonly token: string;
  /** By {@link pathParameterKeys} key (`tickets/{id}`). */
  readonly values: Readonly<Record<string, ParameterValue>>;
  /** By operation id, then parameter name: where one route needs another row (restore takes a ticket in the trash). */
  readonly overrides?: Readonly<Record<string, Readonly<Record<string, ParameterValue>>>>;
  /** A well-formed request body by schema name (`UpdateTicketDto`). */
  readonly bodies: Readonly<Record<string, unknown>>;
  /** Values of required header parameters by lower-case name (`if-match`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The file to edit, for the messages that say what to add. */
  readonly fixtureFile: string;
  /** How a request is sent; httpRequest to `baseUrl` unless given (the unit test's fake API). */
  readonly send?: (method: string, path: string, options: HttpRequestOptions) => Promise<HttpResult>;
}

export interface CrossTenantCase {
  readonly operation: string;
  readonly write: boolean;
  readonly real: { readonly status: number; readonly code?: string };
  readonly absent: { readonly status: number; readonly code?: string };
}

export interface CrossTenantReport {
  /** What the matrix lacks to cover every operation: it fails the test. */
  readonly missing: string[];
  readonly cases: CrossTenantCase[];
  readonly failures: string[];
}

/** Statuses a well-formed request for an id that is not the caller's may get: not found, or refused before any lookup. */
const NOT_YOURS = new Set([403, 404]);

interface PreparedRequest {
  readonly operation: FuzzOperation;
  readonly real: string;
  readonly absent: string;
  readonly body?: unknown;
  readonly headers: Record<string, string>;
  /** Each value by the placeholder it stands for, to compare the two answers' texts. */
  readonly replacements: Array<[string, string]>;
}

function schemaName(operation: FuzzOperation): string | undefined | null {
  const body = operation.operation.requestBody;
  if (!body) return undefined;
  const ref = body.content?.['application/json']?.schema?.$ref;
  if (ref) return ref.replace('#/components/schemas/', '');
  // An upload: its body is the fixture's FormData under this key.
  return body.content?.['multipart/form-data'] ? 'multipart/form-data' : null;
}

function prepare(
  options: CrossTenantMatrixOptions,
  operation: FuzzOperation,
  missing: string[],
): PreparedRequest | undefined {
  let real = operation.path;
  let absent = operation.path;
  const replacements: Array<[string, string]> = [];
  let complete = true;
  for (const { name, key } of pathParameterKeys(operation.path)) {
    const value = options.overrides?.[operation.id]?.[name] ?? options.values[key];
    if (!value) {
      missing.push(
        `${options.api} ${operation.id}: no value of tenant A for the path parameter "${key}"; add "${key}": { real, absent } to the values of ${options.fixtureFile}`,
      );
      complete = false;
      continue;
    }
    real = real.replace(`{${name}}`, encodeURIComponent(value.real));
    absent = absent.replace(`{${name}}`, encodeURIComponent(value.absent));
    replacements.push([value.real, `{${key}}`], [value.absent, `{${key}}`]);
  }
  const headers: Record<string, string> = {};
  for (const parameter of operation.operation.parameters ?? []) {
    if (parameter.in === 'query' && parameter.required) {
      missing.push(
        `${options.api} ${operation.id}: the required query parameter "${parameter.name}" has no value; teach ${options.fixtureFile}`,
      );
      complete = false;
    }
    if (parameter.in !== 'header' || !parameter.required) continue;
    const value = options.headers?.[parameter.name.toLowerCase()];
    if (value === undefined) {
      missing.push(
        `${options.api} ${operation.id}: the required header "${parameter.name}" has no value; add it to the headers of ${options.fixtureFile}`,
      );
      complete = false;
    } else headers[parameter.name.toLowerCase()] = value;
  }
  const schema = schemaName(operation);
  let body: unknown;
  if (schema === null) {
    missing.push(
      `${options.api} ${operation.id}: its request body is not a named JSON schema; teach ${options.fixtureFile} how to make one`,
    );
    complete = false;
  } else if (schema !== undefined) {
    if (!(schema in options.bodies)) {
      missing.push(
        `${options.api} ${operation.id}: no well-formed body for the schema ${schema}; add ${schema} to the bodies of ${options.fixtureFile}`,
      );
      complete = false;
    }
    body = options.bodies[schema];
  }
  // Longest first, so an id inside a longer value is not replaced in part.
  replacements.sort((a, b) => b[0].length - a[0].length);
  return complete ? { operation, real, absent, body, headers, replacements } : undefined;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The answer with the request's own values (and its request id) taken out, to compare two answers. */
function comparable(result: HttpResult, replacements: ReadonlyArray<[string, string]>): unknown {
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string')
      return replacements.reduce(
        (text, [from, to]) => text.replace(new RegExp(`(?<![\\w-])${escape(from)}(?![\\w-])`, 'g'), to),
        value,
      );
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => k !== 'requestId')
          .map(([k, v]) => [k, scrub(v)]),
      );
    return value;
  };
  return { status: result.status, contentType: result.headers.get('content-type'), body: scrub(result.body) };
}

const codeOf = (result: HttpResult): string | undefined =>
  result.body && typeof result.body === 'object' ? result.body.code : undefined;

/**
 * Sends every id-taking operation of `document` twice with tenant B's token: once with tenant A's
 * ids, once with well-formed ids that exist nowhere. Each pair must answer alike (status, problem
 * code, and the problem's text once the ids are taken out), and the nonexistent id must be refused
 * (403 or 404), which also proves the fixture body passed validation. Operations are sent
 * one at a time, DELETEs last.
 */
export async function crossTenantMatrix(options: CrossTenantMatrixOptions): Promise<CrossTenantReport> {
  const missing: string[] = [];
  const prepared = idOperationsOf(options.document).flatMap((op) => prepare(options, op, missing) ?? []);
  const cases: CrossTenantCase[] = [];
  const failures: string[] = [];
  const transport =
    options.send ??
    ((method: string, path: string, init: HttpRequestOptions) => httpRequest(options.baseUrl, method, path, init));
  for (const request of prepared) {
    const send = (path: string) =>
      transport(request.operation.method, path, { token: options.token, body: request.body, headers: request.headers });
    const absent = await send(request.absent);
    const real = await send(request.real);
    const id = `${options.api} ${request.operation.id}`;
    cases.push({
      operation: request.operation.id,
      write: request.operation.method !== 'GET',
      real: { status: real.status, code: codeOf(real) },
      absent: { status: absent.status, code: codeOf(absent) },
    });
    if (!NOT_YOURS.has(absent.status)) {
      failures.push(
        `${id}: a nonexistent id answered ${absent.status} ${codeOf(absent) ?? ''} (${request.absent}); the matrix needs an answer after validation, so fix its body, headers or absent value: ${JSON.stringify(absent.body).slice(0, 300)}`,
      );
      continue;
    }
    const [a, b] = [comparable(real, request.replacements), comparable(absent, request.replacements)];
    if (JSON.stringify(a) !== JSON.stringify(b))
      failures.push(
        `${id}: tenant B on tenant A's ids (${request.real}) answered ${JSON.stringify(a).slice(0, 400)}, but on ids that exist nowhere ${JSON.stringify(b).slice(0, 400)}`,
      );
  }
  return { missing, cases, failures };
}

/** Compares two answers as the matrix does (status, content type, body with `replacements` taken out); a message when they differ. */
export function answersDiffer(
  real: HttpResult,
  absent: HttpResult,
  replacements: ReadonlyArray<[string, string]>,
): string | undefined {
  const sorted = [...replacements].sort((a, b) => b[0].length - a[0].length);
  const [a, b] = [comparable(real, sorted), comparable(absent, sorted)];
  return JSON.stringify(a) === JSON.stringify(b)
    ? undefined
    : `with tenant A's ids ${JSON.stringify(a).slice(0, 400)}, with ids that exist nowhere ${JSON.stringify(b).slice(0, 400)}`;
}
