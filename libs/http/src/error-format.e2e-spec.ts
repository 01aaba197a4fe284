import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Module,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UnauthorizedException,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { defineErrors, PROBLEM_CONTENT_TYPE, type ProblemDetails } from '@helpdeskly/errors';
import { type RunningTestApp, startTestApp, testConfig } from '@helpdeskly/testing';

class AddressDto {
  @IsString() @MaxLength(20) city: string;
}

class CreateThingDto {
  @IsEmail() email: string;
  @IsString() @MaxLength(10) name: string;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
}

class ListQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

const things = defineErrors('things', {
  Duplicate: { code: 'thing_duplicate', status: 409, title: 'Thing already exists' },
  Frozen: { code: 'thing_frozen', status: 422, title: 'Thing is frozen' },
});
const ThingErrorCode = things.codes;

class ThingException extends things.Exception {}

/** A controller of the test's own, mounted with the same bootstrap as both APIs. */
@Controller('things')
class ThingsController {
  @Post()
  create(@Body() dto: CreateThingDto) {
    if (dto.name === 'taken') throw new ThingException(ThingErrorCode.Duplicate, 'A thing named taken exists.');
    if (dto.name === 'frozen') throw new ThingException(ThingErrorCode.Frozen, 'Frozen things cannot be created.');
    return { created: dto };
  }

  @Get()
  list(@Query() query: ListQueryDto) {
    return { limit: query.limit ?? 25, type: typeof query.limit };
  }

  @Get('private')
  private() {
    throw new UnauthorizedException('Sign in first.');
  }

  @Get('crash')
  crash() {
    throw new Error('connect to postgresql://admin:hunter2@db.internal:5432/x failed at SomeInternal.function');
  }

  @Get(':id')
  one(@Param('id', new ParseUUIDPipe()) id: string) {
    return { id };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('Error format (RFC 9457) over HTTP', () => {
  let running: RunningTestApp;
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${running.baseUrl}/v1/things`, { method: 'POST', headers, body });

  async function expectProblem(response: Response, status: number, code: string): Promise<ProblemDetails> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    const body = (await response.json()) as ProblemDetails;
    expect(body).toMatchObject({ status, code, type: `https://helpdeskly.dev/problems/${code.replace(/_/g, '-')}` });
    expect(typeof body.title).toBe('string');
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/); // no stack trace
    return body;
  }

  before(async () => {
    running = await startTestApp({ module: ThingsModule }, { config: testConfig({ BODY_LIMIT_BYTES: '2048' }) });
  });
  after(() => running.close());

  it('answers a valid request under /v1', async () => {
    const response = await post(JSON.stringify({ email: 'a@example.com', name: 'ok' }));
    expect(response.status).toBe(HttpStatus.CREATED);
    expect(await response.json()).toEqual({ created: { email: 'a@example.com', name: 'ok' } });
  });

  it('rejects malformed JSON with 400 malformed_json', async () => {
    const body = await expectProblem(await post('{"email": "a@example.com",'), 400, 'malformed_json');
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it('names every invalid field, nested ones with their path', async () => {
    const body = await expectProblem(
      await post(JSON.stringify({ email: 'nope', name: 'far too long a name', address: { city: 7 } })),
      400,
      'validation_failed',
    );
    const fields = body.errors!.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.email', 'body.name', 'body.address.city']));
    expect(body.errors!.find((e) => e.field === 'body.email')).toMatchObject({ code: 'isEmail' });
  });

  it('rejects unknown properties instead of silently dropping them', async () => {
    const body = await expectProblem(
      await post(JSON.stringify({ email: 'a@example.com', name: 'ok', isAdmin: true })),
      400,
      'validation_failed',
    );
    expect(body.errors).toEqual([expect.objectContaining({ field: 'body.isAdmin', code: 'whitelistValidation' })]);
  });

  it('rejects a JSON body that is not an object', async () => {
    const body = await expectProblem(await post('[1,2]'), 400, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('validates query strings and converts them to the declared type', async () => {
    const ok = await fetch(`${running.baseUrl}/v1/things?limit=5`);
    expect(await ok.json()).toEqual({ limit: 5, type: 'number' });
    const body = await expectProblem(await fetch(`${running.baseUrl}/v1/things?limit=500`), 400, 'validation_failed');
    expect(body.errors).toEqual([expect.objectContaining({ field: 'query.limit', code: 'max' })]);
  });

  it('validates path parameters', async () => {
    const body = await expectProblem(await fetch(`${running.baseUrl}/v1/things/not-a-uuid`), 400, 'bad_request');
    expect(body.detail).toMatch(/uuid/i);
  });

  it('answers 413 for a body over the configured limit', async () => {
    await expectProblem(
      await post(JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(5000) })),
      413,
      'payload_too_large',
    );
  });

  it('answers 415 for a body that is not JSON', async () => {
    await expectProblem(await post('email=a', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('answers 404 for an unknown route and for a route without its version', async () => {
    await expectProblem(await fetch(`${running.baseUrl}/v1/nothing-here`), 404, 'not_found');
    await expectProblem(await fetch(`${running.baseUrl}/things`), 404, 'not_found');
  });

  it('maps domain exceptions to their own status and code', async () => {
    const conflict = await expectProblem(
      await post(JSON.stringify({ email: 'a@example.com', name: 'taken' })),
      409,
      'thing_duplicate',
    );
    expect(conflict).toMatchObject({ title: 'Thing already exists', detail: 'A thing named taken exists.' });
    await expectProblem(await post(JSON.stringify({ email: 'a@example.com', name: 'frozen' })), 422, 'thing_frozen');
  });

  it('maps Nest HTTP exceptions', async () => {
    const body = await expectProblem(await fetch(`${running.baseUrl}/v1/things/private`), 401, 'unauthorized');
    expect(body.detail).toBe('Sign in first.');
  });

  it('answers an unexpected error with a 500 that shows only the request id, and logs the rest', async () => {
    const response = await fetch(`${running.baseUrl}/v1/things/crash`);
    const body = await expectProblem(response, 500, 'internal_error');
    expect(JSON.stringify(body)).not.toMatch(/postgresql|hunter2|SomeInternal/);
    expect(body.detail).toContain(body.requestId);
    const logged = running.logs.entries().find((e) => e.requestId === body.requestId && e.level === 'error' && e.err);
    expect(JSON.stringify(logged)).toContain('SomeInternal.function');
    expect(running.logs.text).not.toContain('hunter2');
  });

  it('never answers a client mistake with a 5xx', async () => {
    const json = { 'content-type': 'application/json' };
    const mistakes: Array<[string, RequestInit]> = [
      ['/v1/things', { method: 'POST', headers: json, body: '' }],
      ['/v1/things', { method: 'POST', headers: json, body: 'null' }],
      ['/v1/things', { method: 'POST', headers: json, body: '"text"' }],
      ['/v1/things', { method: 'POST', headers: json, body: '{"__proto__": {"isAdmin": true}}' }],
      ['/v1/things', { method: 'POST', headers: json, body: '{"constructor": {"prototype": {}}}' }],
      ['/v1/things', { method: 'POST', headers: json, body: '{"email": {"$ne": null}, "name": ["a"]}' }],
      ['/v1/things', { method: 'POST', headers: { 'content-type': 'application/json; charset=latin-7' }, body: '{}' }],
      ['/v1/things', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' }],
      [
        '/v1/things',
        { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&a=2' },
      ],
      ['/v1/things?limit=1&limit=2', {}],
      ['/v1/things?limit[$gt]=1', {}],
      ['/v1/things/%E0%A4%A', {}],
      ['/v1/things/' + 'x'.repeat(300), {}],
      ['/v1/things', { method: 'DELETE' }],
      ['/v1/things', { method: 'PATCH', headers: json, body: '{}' }],
    ];
    const answers = await Promise.all(
      mistakes.map(async ([path, init]) => {
        const response = await fetch(`${running.baseUrl}${path}`, init);
        return {
          request: `${init.method ?? 'GET'} ${path} ${String(init.body ?? '')}`,
          status: response.status,
          type: response.headers.get('content-type'),
        };
      }),
    );
    const wrong = answers.filter((a) => a.status < 400 || a.status >= 500 || !a.type?.startsWith(PROBLEM_CONTENT_TYPE));
    expect(wrong).toEqual([]);
  });

  describe('input refused before our code runs', () => {
    /** One raw HTTP/1.1 exchange, for requests fetch refuses to send. */
    const raw = (request: string) =>
      new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
        const url = new URL(running.baseUrl);
        const socket = connect(Number(url.port), url.hostname, () => socket.write(request));
        let text = '';
        socket.on('data', (d) => (text += d.toString('utf8')));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head, body = ''] = text.split('\r\n\r\n');
          resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
        });
      });

    it('refuses NUL and lone surrogates in a body with 400 invalid_text, naming nested fields', async () => {
      const body = await expectProblem(
        await post('{"email":"a@example.com","name":"a\\u0000b","address":{"city":"\\ud800x"}}'),
        400,
        'invalid_text',
      );
      expect(body.errors!.map((e) => e.field)).toEqual(['body.name', 'body.address.city']);
      await expectProblem(await post(JSON.stringify({ email: '\ud800@example.com', name: 'ok' })), 400, 'invalid_text');
    });

    it('refuses them in query values and path parameters, repeated values too', async () => {
      expect(
        (await expectProblem(await fetch(`${running.baseUrl}/v1/things?limit=%00`), 400, 'invalid_text')).errors![0]
          .field,
      ).toBe('query.limit');
      expect(
        (await expectProblem(await fetch(`${running.baseUrl}/v1/things?limit=1&limit=%00`), 400, 'invalid_text'))
          .errors![0].field,
      ).toBe('query.limit.1');
      expect(
        (await expectProblem(await fetch(`${running.baseUrl}/v1/things/%00`), 400, 'invalid_text')).errors![0].field,
      ).toBe('params.id');
    });

    it('refuses a body nested deeper than any DTO with 400, without exhausting the stack', async () => {
      await expectProblem(
        await post(`{"email":"a@example.com","name":"x","address":${'['.repeat(900)}${']'.repeat(900)}}`),
        400,
        'input_too_deep',
      );
    });

    it('answers a 20 KB URL with 431 problem details, written before Fastify has a request', async () => {
      const response = await fetch(`${running.baseUrl}/v1/things?q=${'x'.repeat(20_000)}`);
      expect(response.status).toBe(431);
      expect(response.headers.get('content-type')).toBe(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
      const body = (await response.json()) as ProblemDetails;
      expect(body).toMatchObject({
        status: 431,
        code: 'request_header_fields_too_large',
        type: 'https://helpdeskly.dev/problems/request-header-fields-too-large',
      });
      expect(typeof body.title).toBe('string');
      expect(typeof body.detail).toBe('string');
      expect(body.requestId).toBe(response.headers.get('x-request-id'));
    });

    it('answers a URL over 8 KiB with 414 problem details', async () => {
      await expectProblem(await fetch(`${running.baseUrl}/v1/things?q=${'x'.repeat(9000)}`), 414, 'uri_too_long');
    });

    it('answers broken HTTP (a NUL in a header) with 400 problem details on the raw socket', async () => {
      const answer = await raw('GET /v1/things HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\u0000b\r\n\r\n');
      expect(answer.status).toBe(400);
      expect(answer.headers).toContain(`content-type: ${PROBLEM_CONTENT_TYPE}`);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: 'bad_request' });
    });

    it('answers 413, 415 and malformed JSON as problem details', async () => {
      await expectProblem(
        await post(JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(5000) })),
        413,
        'payload_too_large',
      );
      await expectProblem(await post('<x/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');
      await expectProblem(await post('{"email":', { 'content-type': 'application/json' }), 400, 'malformed_json');
    });
  });

  describe('X-Request-Id', () => {
    it('is generated when absent', async () => {
      const response = await fetch(`${running.baseUrl}/v1/things`);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is kept when well-formed', async () => {
      const response = await fetch(`${running.baseUrl}/v1/things`, { headers: { 'x-request-id': 'trace-1234.abc' } });
      expect(response.headers.get('x-request-id')).toBe('trace-1234.abc');
    });

    it('is replaced when malformed', async () => {
      const response = await fetch(`${running.baseUrl}/v1/things`, { headers: { 'x-request-id': 'bad id <script>' } });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('appears in the request log line with the route template, not the raw URL', async () => {
      const id = 'log-line-check-42';
      await fetch(`${running.baseUrl}/v1/things/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed`, {
        headers: { 'x-request-id': id },
      });
      const line = running.logs.entries().find((e) => e.requestId === id && e.msg === 'request completed');
      expect(line).toMatchObject({ method: 'GET', route: '/v1/things/:id', status: 200 });
      expect(typeof line!.durationMs).toBe('number');
    });
  });
});
