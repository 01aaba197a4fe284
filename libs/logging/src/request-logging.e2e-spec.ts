import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Controller, Get, Module, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type RunningTestApp, startTestApp } from '@helpdeskly/testing';

const CALLER = { tenantId: '6f1c2d3e-0000-4000-8000-000000000001', userId: '6f1c2d3e-0000-4000-8000-000000000002' };

/** Names the caller on the request as AccessTokenGuard does, then fails as a bug would. */
@Controller('failing')
class FailingController {
  @Get(':id')
  fail(@Req() request: FastifyRequest) {
    request.logContext = { ...request.logContext, ...CALLER };
    throw new Error('a bug after authentication');
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

describe('Request log lines', () => {
  let running: RunningTestApp;
  before(async () => {
    running = await startTestApp({ module: FailingModule });
  });
  after(() => running.close());

  it('puts the caller on the error line and on the request line of a 500, with the route template', async () => {
    const response = await fetch(`${running.baseUrl}/v1/failing/secret-id-42?token=x`);
    expect(response.status).toBe(500);
    const requestId = response.headers.get('x-request-id');
    // The request line is written once the answer is sent: it may trail the client by a moment.
    for (
      let i = 0;
      i < 100 && !running.logs.entries().some((e) => e.requestId === requestId && e.status !== undefined);
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    const lines = running.logs.entries().filter((entry) => entry.requestId === requestId);
    expect(lines.map((entry) => entry.msg)).toEqual(['Unhandled error while serving request', 'request failed']);
    for (const line of lines) expect(line).toMatchObject({ ...CALLER, level: 'error' });
    expect(lines[1]).toMatchObject({ method: 'GET', route: '/v1/failing/:id', status: 500 });
    expect(JSON.stringify(lines)).not.toContain('secret-id-42');
  });
});
