import { describe, it } from 'node:test';
import { expect } from 'expect';
import { crossTenantMatrix, idOperationsOf, pathParameterKeys } from './cross-tenant-matrix';
import type { HttpResult } from './http-request';
import type { OpenApiDocument } from './openapi-fuzz';

const uuid = { name: 'id', in: 'path' as const, required: true, schema: { type: 'string', format: 'uuid' } };
const document: OpenApiDocument = {
  paths: {
    '/v1/widgets': { get: {} },
    '/v1/widgets/{id}': {
      get: { parameters: [uuid] },
      patch: {
        parameters: [uuid, { name: 'If-Match', in: 'header', required: true }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateWidgetDto' } } } },
      },
    },
    '/v1/widgets/{id}/parts/{part}': { delete: { parameters: [uuid, { name: 'part', in: 'path', required: true }] } },
  },
};

/** A fake API: widget `leaky` answers anyone, every other id is 404 with the path as `instance`. */
const send = async (_method: string, path: string): Promise<HttpResult> => {
  const leaky = path.includes('/leaky');
  return {
    status: leaky ? 200 : 404,
    headers: new Headers({ 'content-type': leaky ? 'application/json' : 'application/problem+json' }),
    body: leaky ? { id: 'leaky' } : { status: 404, code: 'widget_not_found', instance: path },
  };
};
const baseUrl = 'http://fake';

describe(crossTenantMatrix.name, () => {
  it('names each path parameter by the segment before it', () => {
    expect(pathParameterKeys('/v1/tickets/{id}/tags/{tag}')).toEqual([
      { name: 'id', key: 'tickets/{id}' },
      { name: 'tag', key: 'tags/{tag}' },
    ]);
    expect(idOperationsOf(document).map((o) => o.id)).toEqual([
      'GET /v1/widgets/{id}',
      'PATCH /v1/widgets/{id}',
      'DELETE /v1/widgets/{id}/parts/{part}',
    ]);
  });

  it('says what to add for an unknown parameter, body schema or required header, and sends nothing for those operations', async () => {
    const report = await crossTenantMatrix({
      api: 'test-api',
      baseUrl,
      document,
      token: 't',
      values: { 'widgets/{id}': { real: 'a', absent: 'b' } },
      bodies: {},
      fixtureFile: 'the spec',
      send,
    });
    expect(report.missing).toEqual([
      'test-api PATCH /v1/widgets/{id}: the required header "If-Match" has no value; add it to the headers of the spec',
      'test-api PATCH /v1/widgets/{id}: no well-formed body for the schema UpdateWidgetDto; add UpdateWidgetDto to the bodies of the spec',
      'test-api DELETE /v1/widgets/{id}/parts/{part}: no value of tenant A for the path parameter "parts/{part}"; add "parts/{part}": { real, absent } to the values of the spec',
    ]);
    expect(report.cases.map((c) => c.operation)).toEqual(['GET /v1/widgets/{id}']);
    expect(report.failures).toEqual([]);
  });

  it("fails an operation that answers another tenant's id otherwise than an id that exists nowhere", async () => {
    const report = await crossTenantMatrix({
      api: 'test-api',
      baseUrl,
      document,
      token: 't',
      values: { 'widgets/{id}': { real: 'leaky', absent: 'nowhere' }, 'parts/{part}': { real: 'p1', absent: 'p2' } },
      bodies: { UpdateWidgetDto: {} },
      headers: { 'if-match': 'W/"1"' },
      fixtureFile: 'the spec',
      send,
    });
    expect(report.missing).toEqual([]);
    expect(report.cases.map((c) => [c.operation, c.real.status, c.absent.status])).toEqual([
      ['GET /v1/widgets/{id}', 200, 404],
      ['PATCH /v1/widgets/{id}', 200, 404],
      ['DELETE /v1/widgets/{id}/parts/{part}', 200, 404],
    ]);
    expect(report.failures).toHaveLength(3);
    expect(report.failures[0]).toContain(
      'test-api GET /v1/widgets/{id}: tenant B on tenant A\'s ids (/v1/widgets/leaky) answered {"status":200',
    );
  });

  it('passes answers that differ only by the ids themselves, and refuses a nonexistent id that is not refused', async () => {
    const same = await crossTenantMatrix({
      api: 'test-api',
      baseUrl,
      document: { paths: { '/v1/widgets/{id}': document.paths['/v1/widgets/{id}'] } },
      token: 't',
      values: { 'widgets/{id}': { real: 'x1', absent: 'x2' } },
      bodies: { UpdateWidgetDto: {} },
      headers: { 'if-match': '*' },
      fixtureFile: 'the spec',
      send,
    });
    expect(same.failures).toEqual([]);
    const swapped = await crossTenantMatrix({
      api: 'test-api',
      baseUrl,
      document: { paths: { '/v1/widgets/{id}': { get: { parameters: [uuid] } } } },
      token: 't',
      values: { 'widgets/{id}': { real: 'x1', absent: 'leaky' } },
      bodies: {},
      fixtureFile: 'the spec',
      send,
    });
    expect(swapped.failures).toEqual([expect.stringContaining('a nonexistent id answered 200')]);
  });
});
