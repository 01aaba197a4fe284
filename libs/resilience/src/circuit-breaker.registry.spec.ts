import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { BreakerOpenError, CircuitBreakerRegistry } from './circuit-breaker.registry';

const RESET_MS = 200;

function setup() {
  const metrics = new MetricsRegistry();
  const sut = new CircuitBreakerRegistry({ breaker: { resetMs: RESET_MS } } as AppConfig, metrics);
  const gauge = async (name: string) =>
    (await metrics.breakerState.get()).values.find((v) => v.labels.breaker === name)?.value;
  return { sut, gauge };
}

const down = () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));

describe(CircuitBreakerRegistry.name, () => {
  it('opens after repeated failures, fails fast while open, half-opens after the reset and closes on success', async () => {
    const { sut, gauge } = setup();
    for (let i = 0; i < 3; i++) await expect(sut.execute('smtp', down)).rejects.toThrow('refused');
    expect(sut.states()).toEqual({ smtp: 'open' });
    expect(await gauge('smtp')).toBe(2);

    let called = false;
    const error = await sut.execute('smtp', async () => (called = true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect((error as BreakerOpenError).retryInMs).toBeGreaterThan(0);
    expect((error as BreakerOpenError).retryInMs).toBeLessThanOrEqual(RESET_MS);
    expect(called).toBe(false);

    await new Promise((r) => setTimeout(r, RESET_MS + 50));
    expect(sut.state('smtp')).toBe('halfOpen');
    expect(await gauge('smtp')).toBe(1);
    expect(await sut.execute('smtp', async () => 'ok')).toBe('ok');
    expect(sut.states()).toEqual({ smtp: 'closed' });
    expect(await gauge('smtp')).toBe(0);
    sut.onApplicationShutdown();
  });

  it('does not count errors that are answers of a healthy dependency', async () => {
    const { sut } = setup();
    const rejected = () => Promise.reject(Object.assign(new Error('550 no such mailbox'), { responseCode: 550 }));
    const isFailure = (e: unknown) => (e as { responseCode?: number }).responseCode === undefined;
    for (let i = 0; i < 5; i++) await expect(sut.execute('smtp', rejected, { isFailure })).rejects.toThrow('550');
    expect(sut.state('smtp')).toBe('closed');
    sut.onApplicationShutdown();
  });

  it('keeps breakers apart by name', async () => {
    const { sut } = setup();
    for (let i = 0; i < 3; i++) await expect(sut.execute('http:vault', down)).rejects.toThrow();
    expect(await sut.execute('http:webhooks', async () => 1)).toBe(1);
    expect(sut.states()).toEqual({ 'http:vault': 'open', 'http:webhooks': 'closed' });
    expect(sut.retryInMs('http:webhooks')).toBe(0);
    sut.onApplicationShutdown();
  });
});
