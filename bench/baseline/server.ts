// The floor the bench compares app-api with: bare Fastify + node-postgres + jsonwebtoken, the same
// JWT checks as libs/auth's AccessTokenService (HS256 only, kid lookup, iss, aud, exp, typ) with
// the secret as a KeyObject made once, the tenant routed by the token's `tid`, one pg.Pool per
// tenant (TENANT_CLIENT_POOL_SIZE connections, through the same PgBouncer with the URL
// control-api's TenantsService.pgBouncerUrl gives), and one SQL statement per endpoint producing
// the JSON app-api answers (the create writes its rows in that statement). No logging, no
// validation library, no rate limiter, no tenant or membership lookup.
//
//   node -r @swc-node/register bench/baseline/server.ts <config.json>
//
// The config file (written by bench/run.ts, mode 600) holds the port, the JWT settings and the
// tenants' database URLs, which are secrets: they never appear on a command line or in a log.
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
import { Pool } from 'pg';
import { DEFAULT_SLA } from '../../apps/app-api/src/settings/sla';
import {
  decodeTicketCursor,
  encodeTicketCursor,
  type SortDirection,
} from '../../apps/app-api/src/tickets/search/ticket-cursor';
import { eventId } from '../../apps/app-api/src/tickets/event-id';
import {
  createTicketStatement,
  type ListQuery,
  type ListRow,
  listStatement,
  type NewTicket,
  ticketStatement,
} from './queries';

export interface BaselineConfig {
  readonly host: string;
  readonly port: number;
  readonly jwt: { readonly secrets: readonly string[]; readonly issuer: string; readonly audience: string };
  readonly poolSize: number;
  readonly tenants: Readonly<Record<string, { readonly url: string; readonly senderName: string }>>;
}

interface Caller {
  readonly userId: string;
  readonly tenantId: string;
}

const ROLES = ['OWNER', 'ADMIN', 'AGENT'];
const STATUSES = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'SOLVED', 'CLOSED'];
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
const TYPES = ['QUESTION', 'INCIDENT', 'PROBLEM', 'TASK'];
const SORTS: Record<string, { key: 'created' | 'updated'; direction: SortDirection }> = {
  created: { key: 'created', direction: 'asc' },
  '-created': { key: 'created', direction: 'desc' },
  updated: { key: 'updated', direction: 'asc' },
  '-updated': { key: 'updated', direction: 'desc' },
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMMENTS_PAGE = 50;
// At most eight events per new ticket: created, subject, status, priority, type, requesterId, assigneeId, tags.
const EVENTS_PER_TICKET = 8;

/** keyIdOf of libs/auth (not imported: it would load Nest into this process). */
const keyIdOf = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 16);

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function main(): void {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BaselineConfig;
  const keys = new Map<string, KeyObject>(
    config.jwt.secrets.map((secret) => [keyIdOf(secret), createSecretKey(Buffer.from(secret, 'utf8'))]),
  );
  const pools = new Map<string, Pool>();

  const poolOf = (tenantId: string): Pool => {
    let pool = pools.get(tenantId);
    if (!pool) {
      const tenant = config.tenants[tenantId];
      if (!tenant) throw new HttpProblem(401, 'tenant_unavailable', 'The tenant of this token is not available.');
      pool = new Pool({
        connectionString: tenant.url,
        max: config.poolSize,
        application_name: 'helpdeskly-bench-baseline',
      });
      pool.on('error', () => undefined);
      pools.set(tenantId, pool);
    }
    return pool;
  };

  /** AccessTokenService.verifyAccess, with a KeyObject per key id. */
  const authenticate = (request: FastifyRequest): Caller => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new HttpProblem(401, 'missing_token', 'Send an access token: Authorization: Bearer <token>.');
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || decoded.header.alg !== 'HS256')
      throw new HttpProblem(401, 'invalid_token', 'The token is malformed or not signed with the expected algorithm.');
    const key = typeof decoded.header.kid === 'string' ? keys.get(decoded.header.kid) : undefined;
    if (!key) throw new HttpProblem(401, 'invalid_token', 'The token was signed with an unknown key.');
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, key, {
        algorithms: ['HS256'],
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
      }) as jwt.JwtPayload;
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError')
        throw new HttpProblem(401, 'token_expired', 'The token has expired.');
      throw new HttpProblem(401, 'invalid_token', 'The token could not be verified.');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.jti !== 'string')
      throw new HttpProblem(401, 'invalid_token', 'The token is not valid for this use.');
    if (typeof claims.tid !== 'string' || !ROLES.includes(claims.role as string))
      throw new HttpProblem(401, 'invalid_token', 'The token lacks its tenant or role.');
    return { userId: claims.sub, tenantId: claims.tid };
  };

  const app = Fastify({ logger: false, bodyLimit: 1_048_576 });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error instanceof HttpProblem ? error.status : (error.statusCode ?? 500);
    const code = error instanceof HttpProblem ? error.code : status === 500 ? 'internal_error' : 'bad_request';
    // One JSON line, as the APIs log, so the bench's log digest counts it.
    if (status === 500)
      process.stderr.write(
        `${JSON.stringify({ level: 'error', time: new Date().toISOString(), msg: 'request failed', err: { message: error.message, stack: error.stack } })}\n`,
      );
    void reply
      .status(status)
      .type('application/problem+json')
      .send(JSON.stringify({ status, code, detail: status === 500 ? 'Internal error' : error.message }));
  });

  app.get('/health', (_request, reply) => reply.send({ status: 'ok' }));

  app.get(
    '/v1/tickets',
    async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply) => {
      const caller = authenticate(request);
      const query = listQueryOf(request.query);
      const { rows } = await poolOf(caller.tenantId).query<ListRow>(listStatement(query));
      const row = rows[0]!;
      const nextCursor =
        row.rows > query.limit
          ? encodeTicketCursor({ key: query.key, direction: query.direction, value: row.last_value, id: row.last_id! })
          : null;
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"items":${row.items},"nextCursor":${nextCursor === null ? 'null' : JSON.stringify(nextCursor)}}`);
    },
  );

  app.get(
    '/v1/tickets/:id',
    async (
      request: FastifyRequest<{ Params: { id: string }; Querystring: { include?: string } }>,
      reply: FastifyReply,
    ) => {
      const caller = authenticate(request);
      const { id } = request.params;
      if (!UUID.test(id)) throw new HttpProblem(400, 'validation_failed', 'id must be a UUID');
      const include = request.query.include;
      if (include !== undefined && include !== 'comments')
        throw new HttpProblem(400, 'validation_failed', 'include must be comments');
      const { rows } = await poolOf(caller.tenantId).query<{ body: string; version: number }>(
        ticketStatement(id, include === 'comments' ? COMMENTS_PAGE : undefined),
      );
      if (rows.length === 0) throw new HttpProblem(404, 'ticket_not_found', 'No such ticket.');
      return reply
        .header('etag', `W/"${rows[0]!.version}"`)
        .type('application/json; charset=utf-8')
        .send(rows[0]!.body);
    },
  );

  app.post('/v1/tickets', async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply) => {
    const caller = authenticate(request);
    const ticket = newTicketOf(request.body, caller, config.tenants[caller.tenantId]?.senderName ?? '');
    const { rows } = await poolOf(caller.tenantId).query<{ body: string; version: number }>(
      createTicketStatement(ticket),
    );
    return reply
      .status(201)
      .header('etag', `W/"${rows[0]!.version}"`)
      .type('application/json; charset=utf-8')
      .send(rows[0]!.body);
  });

  const close = () => {
    void app
      .close()
      .then(() => Promise.all([...pools.values()].map((p) => p.end())))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  app.listen({ host: config.host, port: config.port }).then(
    () => process.stdout.write(`baseline listening on ${config.host}:${config.port}\n`),
    (error: unknown) => {
      process.stderr.write(`baseline could not listen: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

/** The filters and sorts the bench sends; anything else is a 400 (the baseline is not the API). */
function listQueryOf(raw: Record<string, string | undefined>): ListQuery {
  for (const name of Object.keys(raw)) {
    if (!['status', 'q', 'sort', 'limit', 'cursor'].includes(name))
      throw new HttpProblem(400, 'validation_failed', `${name} is not supported by the baseline`);
  }
  const status = raw.status
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (status && (status.length === 0 || !status.every((s) => STATUSES.includes(s))))
    throw new HttpProblem(400, 'validation_failed', 'status must be ticket statuses');
  const limit = raw.limit === undefined ? 25 : Number(raw.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new HttpProblem(400, 'validation_failed', 'limit must be 1 to 100');
  const q = raw.q;
  if (q !== undefined && (q.length < 1 || q.length > 200))
    throw new HttpProblem(400, 'validation_failed', 'q must be 1 to 200 characters');
  let sort: { key: ListQuery['key']; direction: SortDirection };
  if (raw.sort === undefined)
    sort = q === undefined ? { key: 'created', direction: 'desc' } : { key: 'relevance', direction: 'desc' };
  else if (SORTS[raw.sort]) sort = SORTS[raw.sort]!;
  else throw new HttpProblem(400, 'validation_failed', `sort ${raw.sort} is not supported by the baseline`);
  let after;
  try {
    after = raw.cursor === undefined ? undefined : decodeTicketCursor(raw.cursor, sort.key, sort.direction);
  } catch {
    throw new HttpProblem(400, 'validation_failed', 'cursor must be the nextCursor of a previous page');
  }
  return { status, q, ...sort, after, limit };
}

/** The body of POST /v1/tickets as TicketsService.create reads it (requester by email only). */
function newTicketOf(body: Record<string, unknown> | undefined, caller: Caller, senderName: string): NewTicket {
  const text = (value: unknown, max: number) => typeof value === 'string' && value.length >= 1 && value.length <= max;
  const subject = typeof body?.subject === 'string' ? body.subject.trim() : undefined;
  const requester = body?.requester as { email?: unknown; name?: unknown } | undefined;
  const email = typeof requester?.email === 'string' ? requester.email.trim().toLowerCase() : undefined;
  const priority = (body?.priority ?? 'NORMAL') as (typeof PRIORITIES)[number];
  const type = (body?.type ?? 'QUESTION') as string;
  const tags = Array.isArray(body?.tags)
    ? body.tags.map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : ''))
    : [];
  if (
    !text(subject, 200) ||
    !text(body?.description, 50_000) ||
    !email ||
    !/^[^@\s]+@[^@\s]+$/.test(email) ||
    !PRIORITIES.includes(priority) ||
    !TYPES.includes(type) ||
    tags.some((t) => !text(t, 50)) ||
    tags.length > 20
  ) {
    throw new HttpProblem(
      400,
      'validation_failed',
      'subject, description, requester.email, priority, type or tags are invalid',
    );
  }
  const name =
    typeof requester?.name === 'string' && requester.name.trim() !== '' ? requester.name.trim() : email.split('@')[0]!;
  return {
    subject: subject!,
    description: body!.description as string,
    priority,
    type,
    email,
    name,
    tags: [...new Set(tags)].sort(),
    userId: caller.userId,
    now: new Date(),
    senderName,
    eventIds: Array.from({ length: EVENTS_PER_TICKET }, () => eventId()),
    defaultSla: DEFAULT_SLA[priority],
  };
}

main();
