import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { request } from 'node:http';
import { Controller, Get, Injectable, Module, type OnApplicationShutdown, Query } from '@nestjs/common';
import { createLogger } from '@helpdeskly/logging';
import { LogCapture, startTestApp, testConfig } from '@helpdeskly/testing';
import { handleShutdownSignals } from './shutdown';

const events: string[] = [];

/** Stands for a database or Redis client: records when the app closes it. */
@Injectable()
class ConnectionLike implements OnApplicationShutdown {
  onApplicationShutdown() {
    events.push('connections closed');
  }
}

@Controller('slow')
class SlowController {
  @Get()
  async slow(@Query('ms') ms: string) {
    await new Promise((r) => setTimeout(r, Number(ms)));
    events.push('request finished');
    return { waited: Number(ms) };
  }
}

@Module({ controllers: [SlowController], providers: [ConnectionLike] })
class SlowModule {}

/** A plain HTTP GET on a fresh connection; resolves with the status or the socket error's code. */
function get(url: string): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

describe(handleShutdownSignals.name, () => {
  const signalListeners = () => process.listeners('SIGTERM').length;
  after(() => {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  });

  it('finishes the request in flight, refuses new ones, then closes connections and exits 0', async () => {
    events.length = 0;
    const running = await startTestApp({ module: SlowModule }, { config: testConfig() });
    const logs = new LogCapture();
    const exited = new Promise<number>((resolve) => {
      const before = signalListeners();
      handleShutdownSignals(
        running.app,
        createLogger({ name: 't', level: 'info', pretty: false, destination: logs }),
        5_000,
        resolve,
      );
      expect(signalListeners()).toBe(before + 1);
    });

    const inFlight = get(`${running.baseUrl}/v1/slow?ms=800`);
    await new Promise((r) => setTimeout(r, 150));
    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const late = await get(`${running.baseUrl}/v1/slow?ms=0`);

    expect(await inFlight).toEqual({ status: 200 });
    expect(late.error).toBe('ECONNREFUSED');
    expect(await exited).toBe(0);
    expect(events).toEqual(['request finished', 'connections closed']);
    expect(logs.text).toContain('shutdown complete');
  });

  it('cuts requests still running after the timeout and exits 1', async () => {
    events.length = 0;
    const running = await startTestApp({ module: SlowModule }, { config: testConfig() });
    const exited = new Promise<number>((resolve) =>
      handleShutdownSignals(running.app, createLogger({ name: 't', level: 'silent', pretty: false }), 300, resolve),
    );

    const inFlight = get(`${running.baseUrl}/v1/slow?ms=5000`);
    await new Promise((r) => setTimeout(r, 150));
    process.emit('SIGTERM', 'SIGTERM');

    expect(await exited).toBe(1);
    expect((await inFlight).error).toBe('ECONNRESET');
    expect(events).toContain('connections closed');
  });
});
