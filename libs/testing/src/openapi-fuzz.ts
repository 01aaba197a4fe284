import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzz reads (what @nestjs/swagger writes). */
type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | Schema;
};
interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: Schema;
}
interface Operation {
  readonly parameters?: Parameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, { schema?: Schema }> };
  readonly security?: unknown[];
}
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

export interface FuzzOperation {
  readonly method: string;
  readonly path: string;
  /** `POST /v1/tickets`. */
  readonly id: string;
  readonly operation: Operation;
}

/** Every operation of the document; DELETE ones last, so what they remove was there for the others. */
export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const all = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      method: m.toUpperCase(),
      path,
      id: `${m.toUpperCase()} ${path}`,
      operation: item[m]!,
    })),
  );
  const rank = (op: FuzzOperation) => (op.method === 'DELETE' ? 2 : op.method === 'GET' ? 0 : 1);
  return all.sort((a, b) => rank(a) - rank(b));
}

/** Tokens an operation's requests are sent with (besides none and a forged one). */
export interface FuzzIdentity {
  readonly tokens: readonly string[];
  /** Real values for path parameters by name (ids of rows that exist), tried beside malformed ones. */
  readonly pathValues?: Readonly<Record<string, readonly string[]>>;
  /** Every body carries an unknown property, so validation refuses it before the handler (see the spec). */
  readonly neverValid?: boolean;
}

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface FuzzAnswer {
  readonly status: number;
  readonly requestId: string | null;
  readonly contentType: string | null;
  readonly text: string;
}

export interface FuzzFailure {
  readonly operation: string;
  readonly seed: number;
  readonly request: string;
  readonly problem: string;
  /** X-Request-Id of the answer, to find what the server logged about it. */
  readonly requestId?: string;
}

export interface FuzzReport {
  readonly operations: number;
  readonly cases: number;
  readonly failures: FuzzFailure[];
  readonly statuses: Record<number, number>;
}

export interface FuzzOptions {
  readonly baseUrl: string;
  readonly document: OpenApiDocument;
  readonly identityFor: (operation: FuzzOperation) => Promise<FuzzIdentity>;
  /** From FUZZ_SEED; fixed in CI. Each operation runs with this seed mixed with its id. */
  readonly seed: number;
  /** Cases per operation, from FUZZ_RUNS. */
  readonly runs: number;
  /** Sees every answer (e.g. to clean up what a 201 created). */
  readonly onAnswer?: (operation: FuzzOperation, request: FuzzRequest, answer: FuzzAnswer) => void;
}

const MEGABYTE = 'x'.repeat(1024 * 1024);

/** Strings that have broken APIs: NUL, lone surrogates, RTL marks, SQL and HTML, huge and empty. */
const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  '\ud800@example.com',
  '\u202eRTL\u200f\u200e',
  '\ufeffbom',
  '🙂'.repeat(100),
  "' OR '1'='1",
  "'); DROP TABLE tickets; --",
  '"; SELECT pg_sleep(0); --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '%00',
  '%',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-00000000000g',
  'me',
  'none',
  'a'.repeat(256),
  'b'.repeat(70_000),
];

/** What PostgreSQL cannot store: the class of bug that has reached production as 500s. */
const UNSTORABLE_STRINGS = ['\u0000', 'a\u0000b', '\ud800', '\udc00x', '\ud800@example.com', 'x\ud83d'];

const nastyString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...UNSTORABLE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant(MEGABYTE) },
);

const nastyNumber = fc.constantFrom<unknown>(
  -1,
  0,
  1,
  2.5,
  -2147483649,
  2147483648,
  Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  1e21,
  '5',
  '',
  'abc',
  null,
  true,
);

/** Any JSON value at all, for a field of the wrong type. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.constantFrom<unknown>(null, true, false, [], {}, [null], { $ne: null }, { __proto__: { admin: true } }, [
    [[[[[]]]]],
  ]),
  fc.jsonValue({ maxDepth: 3 }),
);

/** `arbitrary` in `present` of `present + absent` cases, undefined otherwise. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: present, arbitrary }, { weight: absent, arbitrary: fc.constant(undefined) });

function resolve(document: OpenApiDocument, schema: Schema | undefined, seen = 0): Schema {
  if (!schema || seen > 10) return {};
  if (schema.$ref)
    return resolve(
      document,
      document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')],
      seen + 1,
    );
  if (schema.allOf?.length)
    return resolve(
      document,
      Object.assign({}, ...schema.allOf.map((s) => resolve(document, s, seen + 1)), { ...schema, allOf: undefined }),
      seen + 1,
    );
  const alternative = schema.oneOf ?? schema.anyOf;
  if (alternative?.length) return resolve(document, alternative[0], seen + 1);
  return schema;
}

/** A value the schema accepts, more or less: the shape right, the content plausible (so cases get past validation to the handler). */
function plausible(document: OpenApiDocument, raw: Schema | undefined, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const examples = schema.example !== undefined ? [fc.constant(schema.example)] : [];
  switch (schema.type) {
    case 'string':
      switch (schema.format) {
        case 'uuid':
          return fc.uuid();
        case 'email':
          return fc.emailAddress();
        case 'date-time':
          return fc
            .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') })
            .map((d) => d.toISOString());
        case 'uri':
          return fc.webUrl();
        default:
          return fc.oneof(
            ...examples,
            fc.string({
              minLength: Math.min(schema.minLength ?? 1, 20),
              maxLength: Math.min(schema.maxLength ?? 30, 30),
            }),
          );
      }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? Math.max(min, 100);
      return fc.oneof(...examples, fc.integer({ min: Math.ceil(min), max: Math.floor(max) }));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(plausible(document, schema.items, depth + 1), { maxLength: 3 });
    default:
      if (schema.properties) return depth > 3 ? fc.constant({}) : objectOf(document, schema, depth, true);
      return fc.oneof(...examples, fc.jsonValue({ maxDepth: 2 }));
  }
}

/** Mostly plausible, sometimes nasty text or a value of the wrong type. */
function fuzzed(document: OpenApiDocument, raw: Schema | undefined, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  // An object's own fields are fuzzed one by one, so a nasty value sits beside plausible ones.
  if (schema.properties && depth <= 3)
    return fc.oneof(
      { weight: 6, arbitrary: objectOf(document, schema, depth, false) },
      { weight: 1, arbitrary: wrongType },
    );
  return fc.oneof(
    { weight: 5, arbitrary: plausible(document, schema, depth) },
    { weight: 2, arbitrary: nastyString },
    { weight: 1, arbitrary: wrongType },
  );
}

/** Required fields usually there (always when `strict`), optional ones half the time; fuzzed values and an unknown field unless `strict`. */
function objectOf(
  document: OpenApiDocument,
  schema: Schema,
  depth: number,
  strict: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const value = strict ? plausible : fuzzed;
  const fields = properties.map(([name, property]) =>
    sometimes(
      value(document, property, depth + 1).map((v) => [name, v] as const),
      required.has(name) ? 11 : 1,
      required.has(name) ? (strict ? 0 : 1) : 2,
    ),
  );
  const unknown = strict
    ? fc.constant(undefined)
    : sometimes(
        fc.tuple(fc.constantFrom('isAdmin', 'tenantId', 'id', '__proto__', 'a\u0000', 'x'.repeat(300)), wrongType),
        1,
        5,
      );
  return fc.tuple(fc.tuple(...fields), unknown).map(([present, extra]) => {
    const object: Record<string, unknown> = {};
    for (const entry of present) if (entry) object[entry[0]] = entry[1];
    if (extra)
      Object.defineProperty(object, extra[0], {
        value: extra[1],
        enumerable: true,
        configurable: true,
        writable: true,
      });
    return object;
  });
}

/** `value` with one of its strings (at any depth) replaced by `replacement`: one mistake in an otherwise valid body. */
function withOneString(value: unknown, replacement: unknown, pick: number): unknown {
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, item] of Object.entries(node)) {
      if (typeof item === 'string')
        slots.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
      else visit(item);
    }
  };
  const copy = structuredClone(value);
  visit(copy);
  if (slots.length === 0) return copy;
  const [holder, key] = slots[pick % slots.length];
  (holder as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

/** Query values as a client could send them: the value, repeated, bracketed, or as a huge string. */
function queryPart(document: OpenApiDocument, parameter: Parameter): fc.Arbitrary<readonly string[]> {
  const text = fc
    .oneof(plausible(document, parameter.schema, 1), nastyString, wrongType)
    .map((v) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : (JSON.stringify(v) ?? '')));
  const name = parameter.name;
  return fc.oneof(
    { weight: 6, arbitrary: text.map((v) => [`${name}=${encode(v.slice(0, 20_000))}`]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(text, text)
        .map(([a, b]) => [`${name}=${encode(a.slice(0, 100))}`, `${name}=${encode(b.slice(0, 100))}`]),
    },
    { weight: 1, arbitrary: text.map((v) => [`${name}[$gt]=${encode(v.slice(0, 100))}`, `${name}[]=1`]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        [name],
        [`${name}=`],
        [`${name}=%00`],
        [`${name}=%ZZ`],
        [`${name}=${'9'.repeat(400)}`],
        [`${name}=-99999999999`],
      ),
    },
  );
}

/** encodeURIComponent, or the raw UTF-8 bytes of a lone surrogate's encoding (which it refuses). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(Buffer.from(value, 'utf8'), (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const MALFORMED_BODIES = [
  '{',
  '{"a":',
  '[1,]',
  "{'a':1}",
  'nul',
  '\u0000',
  '\ufeff{}',
  '{"a":1}{"b":2}',
  '"\\ud800"',
  `{"x":"${'\\u0000'.repeat(10)}"}`,
  '['.repeat(5000),
  '1e999999',
  '{"__proto__":{"isAdmin":true}}',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin-7',
  'application/jsonx',
  'application/problem+json',
  '',
];
/** Latin-1 only (fetch sends nothing else), with the headers our code reads. */
const HEADER_VALUES = [
  '',
  ' ',
  'W/"1"',
  '"1"',
  '*',
  'W/"-1"',
  'W/"999999999999999999999"',
  'W/"abc"',
  'x'.repeat(300),
  "' OR 1=1 --",
  '<script>',
  'key-1',
  '\u00ff\u00e9',
];

function caseArbitrary(
  document: OpenApiDocument,
  op: FuzzOperation,
  identity: FuzzIdentity,
): fc.Arbitrary<FuzzRequest> {
  const parameters = op.operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const declaredHeaders = parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());

  const pathValues = fc.tuple(
    ...pathParams.map((p) => {
      const real = identity.pathValues?.[p.name] ?? [];
      return fc.oneof(
        { weight: real.length > 0 ? 5 : 0, arbitrary: real.length > 0 ? fc.constantFrom(...real) : fc.constant('') },
        { weight: 2, arbitrary: plausible(document, p.schema, 1).map(String) },
        { weight: 3, arbitrary: nastyString.map((s) => s.slice(0, 300)) },
      );
    }),
  );
  const query = fc.tuple(
    fc.tuple(...queryParams.map((p) => sometimes(queryPart(document, p), 1, 1))),
    sometimes(
      fc.constantFrom(
        ['unknown=1'],
        ['limit=-1'],
        ['limit=1e9'],
        ['cursor=%00'],
        ['a=1&a=2'],
        [`pad=${'q'.repeat(9000)}`],
        [`pad=${'q'.repeat(20_000)}`],
      ),
      1,
      6,
    ),
  );
  const jsonSchema = op.operation.requestBody?.content?.['application/json']?.schema;
  const body = fc.oneof(
    {
      weight: op.operation.requestBody ? 4 : 0,
      arbitrary: (jsonSchema ? plausible(document, jsonSchema, 0) : fc.constant({})).map((v) => ({
        text: JSON.stringify(v),
        json: true,
      })),
    },
    {
      weight: op.operation.requestBody ? 4 : 0,
      arbitrary: fc
        .tuple(
          jsonSchema ? plausible(document, jsonSchema, 0) : fc.constant({}),
          fc.oneof(nastyString, wrongType),
          fc.nat(),
        )
        .map(([v, nasty, pick]) => ({ text: JSON.stringify(withOneString(v, nasty, pick)), json: true })),
    },
    {
      weight: op.operation.requestBody ? 4 : 1,
      arbitrary: (jsonSchema ? fuzzed(document, jsonSchema, 0) : fc.constant({})).map((v) => ({
        text: JSON.stringify(v),
        json: true,
      })),
    },
    { weight: 1, arbitrary: wrongType.map((v) => ({ text: JSON.stringify(v) ?? 'null', json: true })) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_BODIES).map((text) => ({ text, json: true })) },
    { weight: 1, arbitrary: fc.constant({ text: '', json: true }) },
    { weight: op.operation.requestBody ? 0 : 4, arbitrary: fc.constant(undefined) },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  const auth = fc.oneof(
    {
      weight: 8,
      arbitrary:
        identity.tokens.length > 0
          ? fc.constantFrom(...identity.tokens).map((t) => `Bearer ${t}`)
          : fc.constant(undefined),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer ',
        'Bearer x.y.z',
        'Basic YTpi',
        `Bearer ${identity.tokens[0] ?? 'x'}x`,
        'bearer',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      ),
    },
  );
  const headers = fc.record(
    {
      'idempotency-key': fc.constantFrom(...HEADER_VALUES),
      'if-match': fc.constantFrom(...HEADER_VALUES),
      'x-request-id': fc.constantFrom(...HEADER_VALUES),
      accept: fc.constantFrom('application/xml', '*/*', 'text/html'),
    },
    { requiredKeys: [] },
  );

  return fc
    .record({ pathValues, query, body, contentType, auth, headers })
    .map(({ pathValues, query, body, contentType, auth, headers: extra }) => {
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, encode(pathValues[i]))));
      const parts = [...query[0].flatMap((q) => q ?? []), ...(query[1] ?? [])];
      const headers: Record<string, string> = {};
      // Declared headers get fuzzed values most often; the others now and then.
      for (const [name, value] of Object.entries(extra))
        if (declaredHeaders.includes(name) || name === 'accept' || name === 'x-request-id' || value === '*')
          headers[name] = value;
      if (auth) headers.authorization = auth;
      let text = body?.text;
      if (text !== undefined && identity.neverValid && text.startsWith('{'))
        text = text === '{}' ? '{"fuzzUnknown":1}' : `{"fuzzUnknown":1,${text.slice(1)}`;
      if (text !== undefined && contentType) headers['content-type'] = contentType;
      return {
        method: op.method,
        url: `${path}${parts.length > 0 ? `?${parts.join('&')}` : ''}`,
        headers,
        body: op.method === 'GET' || op.method === 'HEAD' ? undefined : text,
      };
    });
}

/** What is wrong with an answer: a 5xx, or an error that is not problem details with a code. */
export function answerProblem(answer: FuzzAnswer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status < 400) return undefined;
  if (!answer.contentType?.startsWith('application/problem+json'))
    return `answered ${answer.status} as ${answer.contentType}: ${answer.text.slice(0, 200)}`;
  let body: { status?: unknown; code?: unknown; type?: unknown; title?: unknown };
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `answered ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (
    typeof body.code !== 'string' ||
    typeof body.type !== 'string' ||
    typeof body.title !== 'string' ||
    body.status !== answer.status
  )
    return `answered ${answer.status} with incomplete problem details: ${answer.text.slice(0, 200)}`;
  return undefined;
}

function describeRequest(request: FuzzRequest): string {
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${k === 'authorization' ? v.slice(0, 12) + '…' : JSON.stringify(v.slice(0, 60))}`)
    .join(', ');
  return `${request.method} ${request.url.slice(0, 300)} [${headers}] ${request.body === undefined ? '' : JSON.stringify(request.body.slice(0, 300))}`;
}

/** A stable 32-bit hash, so each operation's cases stay the same when other routes come and go. */
const hash = (text: string) => [...text].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0);

/**
 * Property-based fuzz of every operation of an OpenAPI document: `runs` generated requests each
 * (malformed JSON, wrong types, missing and unknown fields, empty and 1 MB strings, NUL, lone
 * surrogates, RTL marks, SQL and HTML, invalid UUIDs, huge and negative limits, repeated query
 * parameters, wrong content types; with real tokens, none, or forged ones). The property: no 5xx,
 * every error problem details with a code. Shrinks a failing case to a small one and reports it
 * with the seed that reproduces it.
 */
export async function fuzzOpenApi(options: FuzzOptions): Promise<FuzzReport> {
  const operations = operationsOf(options.document);
  const failures: FuzzFailure[] = [];
  const statuses: Record<number, number> = {};
  let cases = 0;
  for (const op of operations) {
    const identity = await options.identityFor(op);
    const seed = (options.seed ^ hash(op.id)) | 0;
    let lastFailure: { request: FuzzRequest; problem: string; requestId?: string } | undefined;
    const result = await fc.check(
      fc.asyncProperty(caseArbitrary(options.document, op, identity), async (request) => {
        cases++;
        let answer: FuzzAnswer;
        try {
          const response = await fetch(`${options.baseUrl}${request.url}`, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            redirect: 'manual',
          });
          answer = {
            status: response.status,
            requestId: response.headers.get('x-request-id'),
            contentType: response.headers.get('content-type'),
            text: await response.text(),
          };
        } catch (error) {
          lastFailure = {
            request,
            problem: `request failed: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`,
          };
          return false;
        }
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        options.onAnswer?.(op, request, answer);
        const problem = answerProblem(answer);
        if (problem) lastFailure = { request, problem, requestId: answer.requestId ?? undefined };
        return problem === undefined;
      }),
      {
        seed,
        numRuns: options.runs,
        endOnFailure: false,
        interruptAfterTimeLimit: 60_000,
        markInterruptAsFailure: false,
      },
    );
    if (result.failed && lastFailure)
      failures.push({
        operation: op.id,
        seed,
        request: describeRequest(lastFailure.request),
        problem: lastFailure.problem,
        requestId: lastFailure.requestId,
      });
  }
  return { operations: operations.length, cases, failures, statuses };
}

/** FUZZ_SEED and FUZZ_RUNS, or the fixed defaults of CI. */
export function fuzzSettings(
  env: NodeJS.ProcessEnv = process.env,
  defaults = { seed: 13013, runs: 50 },
): { seed: number; runs: number } {
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : defaults.seed;
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : defaults.runs;
  if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1)
    throw new Error(
      `FUZZ_SEED must be an integer and FUZZ_RUNS a positive integer (got ${env.FUZZ_SEED}, ${env.FUZZ_RUNS})`,
    );
  return { seed, runs };
}
