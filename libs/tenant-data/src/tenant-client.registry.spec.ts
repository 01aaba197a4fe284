import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppConfig } from '@helpdeskly/config';
import { TenancyErrorCode, TenancyException } from './tenancy.errors';
import {
  type TenantClient,
  type TenantClientFactory,
  TenantClientRegistry,
  type TenantConnection,
} from './tenant-client.registry';

interface FakeClient {
  readonly tenantId: string;
  readonly version: string;
  disconnected: boolean;
  disconnect(): Promise<void>;
}

/** Counts creations; each creation resolves when `gate` does (immediately by default). */
class FakeFactory {
  readonly created: FakeClient[] = [];
  gate: Promise<void> = Promise.resolve();
  failNext = false;

  async create(connection: TenantConnection): Promise<TenantClient> {
    const fail = this.failNext;
    this.failNext = false;
    const client: FakeClient = {
      tenantId: connection.tenantId,
      version: connection.version,
      disconnected: false,
      disconnect: async () => void (client.disconnected = true),
    };
    this.created.push(client);
    await this.gate;
    if (fail) throw new Error('cannot connect');
    return client as unknown as TenantClient;
  }
}

const conn = (tenantId: string, version = 'v1'): TenantConnection => ({
  tenantId,
  version,
  url: `postgresql://r:p@h/${tenantId}`,
});

function setup(options: { max?: number; idleSeconds?: number } = {}) {
  const factory = new FakeFactory();
  const config = {
    tenancy: {
      clientMax: options.max ?? 2,
      clientIdleSeconds: options.idleSeconds ?? 60,
      clientPoolSize: 2,
      cacheTtlSeconds: 5,
    },
  } as AppConfig;
  const sut = new TenantClientRegistry(config, factory as unknown as TenantClientFactory);
  let clock = 1_000_000;
  sut.now = () => clock;
  return { sut, factory, advance: (ms: number) => (clock += ms) };
}

const fake = (client: TenantClient) => client as unknown as FakeClient;

describe(TenantClientRegistry.name, () => {
  it('creates one client for concurrent first uses of a tenant', async () => {
    const { sut, factory } = setup();
    let open!: () => void;
    factory.gate = new Promise((resolve) => (open = resolve));
    const pending = Array.from({ length: 10 }, () => sut.acquire(conn('a')));
    open();
    const leases = await Promise.all(pending);
    expect(factory.created).toHaveLength(1);
    expect(new Set(leases.map((l) => l.client)).size).toBe(1);
    expect(sut.stats()).toMatchObject({ open: 1, inUse: 10, creations: 1 });
    leases.forEach((l) => l.release());
    expect(sut.stats().inUse).toBe(0);
    await sut.onApplicationShutdown();
  });

  it('reuses the client of a tenant and evicts the least recently used when full', async () => {
    const { sut, factory } = setup({ max: 2 });
    const use = async (tenantId: string) => (await sut.acquire(conn(tenantId))).release();
    await use('a');
    await use('b');
    await use('a'); // b is now the least recently used
    await use('c');
    expect(factory.created.map((c) => c.tenantId)).toEqual(['a', 'b', 'c']);
    expect(factory.created.map((c) => c.disconnected)).toEqual([false, true, false]);
    expect(sut.stats()).toMatchObject({
      open: 2,
      live: 2,
      creations: 3,
      evictions: { lru: 1, idle: 0, rotated: 0, unavailable: 0, shutdown: 0 },
    });
    await sut.onApplicationShutdown();
  });

  it('never disconnects a client in use, and never opens more than the maximum', async () => {
    const { sut, factory } = setup({ max: 2 });
    const a = await sut.acquire(conn('a'));
    const b = await sut.acquire(conn('b'));
    // Both slots in use: c waits for one.
    let cReady = false;
    const c = sut.acquire(conn('c')).then((lease) => ((cReady = true), lease));
    await new Promise((r) => setTimeout(r, 20));
    expect(cReady).toBe(false);
    expect(sut.stats()).toMatchObject({ open: 2, waits: 1 });
    expect(factory.created.some((x) => x.disconnected)).toBe(false);
    a.release();
    const cLease = await c;
    expect(fake(a.client).disconnected).toBe(true);
    expect(fake(b.client).disconnected).toBe(false);
    expect(fake(cLease.client).tenantId).toBe('c');
    expect(sut.stats().open).toBe(2);
    b.release();
    cLease.release();
    await sut.onApplicationShutdown();
  });

  it('answers 503 tenant_busy when no slot frees in time', async () => {
    const { sut } = setup({ max: 1 });
    const a = await sut.acquire(conn('a'));
    const error = await sut.acquire(conn('b'), 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenancyException);
    expect((error as TenancyException).problem).toMatchObject({ status: 503, code: TenancyErrorCode.TenantBusy });
    a.release();
    await sut.onApplicationShutdown();
  });

  it('gives a rotated password a new client and disconnects the old one after its last request', async () => {
    const { sut } = setup();
    const old = await sut.acquire(conn('a', 'v1'));
    const rotated = await sut.acquire(conn('a', 'v2'));
    expect(rotated.client).not.toBe(old.client);
    expect(fake(old.client).disconnected).toBe(false);
    expect(sut.stats()).toMatchObject({ open: 2, live: 1, retiring: 1, evictions: { rotated: 1 } });
    old.release();
    await new Promise((r) => setImmediate(r));
    expect(fake(old.client).disconnected).toBe(true);
    expect(sut.stats()).toMatchObject({ open: 1, retiring: 0 });
    rotated.release();
    await sut.onApplicationShutdown();
  });

  it('disconnects clients idle for TENANT_CLIENT_IDLE_SECONDS, not those in use', async () => {
    const { sut, advance } = setup({ idleSeconds: 60 });
    const a = await sut.acquire(conn('a'));
    a.release();
    const b = await sut.acquire(conn('b'));
    advance(61_000);
    await sut.evictIdle();
    expect(fake(a.client).disconnected).toBe(true);
    expect(fake(b.client).disconnected).toBe(false);
    expect(sut.stats()).toMatchObject({ open: 1, evictions: { idle: 1 } });
    b.release();
    await sut.onApplicationShutdown();
  });

  it('forgets a failed creation, so the next use tries again', async () => {
    const { sut, factory } = setup();
    factory.failNext = true;
    await expect(sut.acquire(conn('a'))).rejects.toThrow('cannot connect');
    expect(sut.stats()).toMatchObject({ open: 0, inUse: 0, creationFailures: 1 });
    const lease = await sut.acquire(conn('a'));
    expect(factory.created).toHaveLength(2);
    lease.release();
    await sut.onApplicationShutdown();
  });

  it('disconnects every client on shutdown and refuses new work', async () => {
    const { sut, factory } = setup();
    (await sut.acquire(conn('a'))).release();
    const b = await sut.acquire(conn('b'));
    await sut.onApplicationShutdown();
    expect(factory.created.every((c) => c.disconnected)).toBe(true);
    expect(sut.stats()).toMatchObject({ open: 0, evictions: { shutdown: 2 } });
    b.release();
    await expect(sut.acquire(conn('a'))).rejects.toBeInstanceOf(TenancyException);
  });
});
