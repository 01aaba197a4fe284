import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Redis } from 'ioredis';
import { MembershipRole } from '@helpdeskly/database';
import { parseRateLimitFields } from '@helpdeskly/rate-limit';
import { TcpProxy, waitFor } from '@helpdeskly/testing';
import { ControlFixture, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

const newIp = () => `10.${[...randomBytes(3)].join('.')}`;
const LIMIT = 3;

describe('Rate limits while the cache Redis is unreachable', () => {
  let proxy: TcpProxy;
  let fx: ControlFixture;
  let redis: Redis;
  let member: FixtureMember;

  /** LIMIT + 1 failed logins from one new IP, with distinct emails (only the IP limit can refuse). */
  async function flood(ip: string) {
    const answers = [];
    for (let i = 0; i <= LIMIT; i++) {
      answers.push(
        await fx.request('POST', '/v1/auth/login', {
          body: { email: `nobody-${uniqueSuffix()}@outage.test`, password: 'Wrong-Password-123' },
          headers: { 'x-forwarded-for': ip },
        }),
      );
    }
    return answers;
  }

  const refusals = async (limiter: string) => {
    const text = (await fx.request<string>('GET', '/metrics')).body;
    return Number(
      new RegExp(`helpdeskly_rate_limit_refusals_total\\{policy="auth-ip",limiter="${limiter}"\\} (\\d+)`).exec(
        text,
      )?.[1] ?? 0,
    );
  };

  before(async () => {
    proxy = await new TcpProxy('127.0.0.1', 6379).start();
    const db = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1').pathname || '/1';
    fx = await ControlFixture.start({
      REDIS_CACHE_URL: `redis://127.0.0.1:${proxy.port}${db}`,
      RATE_LIMIT_AUTH_PER_IP: String(LIMIT),
      RATE_LIMIT_AUTH_PER_ACCOUNT: '1000',
    });
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/1');
    member = await fx.member(await fx.createTenant(), MembershipRole.AGENT);
  });

  after(async () => {
    redis?.disconnect();
    await fx?.close();
    await proxy?.cut();
  });

  it('limits in Redis while it answers', async () => {
    const ip = newIp();
    expect((await flood(ip)).map((a) => a.status)).toEqual([401, 401, 401, 429]);
    expect(await redis.exists(`rl:auth-ip:${ip}`)).toBe(1);
  });

  it('keeps login limited with the in-process limiter once Redis is cut, answers other routes, and logs the outage once', async () => {
    const before = await refusals('local');
    await proxy.cut();
    const ip = newIp();
    const answers = [...(await flood(ip)), ...(await flood(ip))];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    expect(answers[3].body).toMatchObject({ code: 'too_many_requests', policy: 'auth-ip' });
    expect(parseRateLimitFields(answers[0].headers.get('ratelimit'))['auth-ip']).toEqual({ r: 2, t: 20 });
    expect(await redis.exists(`rl:auth-ip:${ip}`)).toBe(0);
    expect(await refusals('local')).toBe(before + 5);

    // Authenticated routes still answer, limited per tenant and user in process.
    const me = await fx.request('GET', '/v1/auth/me', { token: member.token });
    expect(me.status).toBe(200);
    expect(parseRateLimitFields(me.headers.get('ratelimit-policy'))).toHaveProperty('tenant');
    expect((await fx.request('GET', '/health')).status).toBe(200);

    const warnings = fx.running.logs.text.split('\n').filter((l) => l.includes('in-process limiter decides'));
    expect(warnings).toHaveLength(1);
  });

  it('goes back to Redis when it answers again', async () => {
    await proxy.restore();
    // Each probe uses a new IP, so the first that lands in Redis shows the switch back.
    await waitFor(
      'rate limits in Redis again',
      async () => {
        const ip = newIp();
        await fx.request('POST', '/v1/auth/login', {
          body: { email: `nobody-${uniqueSuffix()}@outage.test`, password: 'x' },
          headers: { 'x-forwarded-for': ip },
        });
        return (await redis.exists(`rl:auth-ip:${ip}`)) === 1;
      },
      15_000,
      200,
    );
    const before = await refusals('redis');
    const ip = newIp();
    expect((await flood(ip)).map((a) => a.status)).toEqual([401, 401, 401, 429]);
    expect(await redis.exists(`rl:auth-ip:${ip}`)).toBe(1);
    expect(await refusals('redis')).toBe(before + 1);
    expect(fx.running.logs.text).toContain('Rate limit Redis available again');
  });
});
