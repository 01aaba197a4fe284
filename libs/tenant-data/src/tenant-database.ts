import { Injectable } from '@nestjs/common';
import type { Sql } from '@prisma/client/runtime/client';
import type { PoolClient, QueryResultRow } from 'pg';
import type { TenantPrismaClient } from '@helpdeskly/database';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { type TenantClient, TenantClientRegistry } from './tenant-client.registry';
import { type TenantScope, TenantScopeStorage } from './tenant-scope';
import { TenantLocator } from './tenant-locator';
import type { TenantScopeOwner } from './tenant-owner';

/** Runs SQL statements (Prisma `sql` templates, every value a bind parameter) on one tenant database. */
export interface SqlSession {
  query<R extends QueryResultRow>(statement: Sql, operation: string): Promise<R[]>;
}

/**
 * The current tenant's database. Repositories inject it and call client() in each method, so no
 * repository can reach a database outside a tenant context.
 */
@Injectable()
export class TenantDatabase {
  constructor(
    private readonly registry: TenantClientRegistry,
    private readonly locator: TenantLocator,
    private readonly scopes: TenantScopeStorage,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** The Prisma client of the current tenant; throws outside a tenant context. */
  client(): TenantPrismaClient {
    return this.scope('client').lease.client.prisma;
  }

  /**
   * Runs one SQL statement on the current tenant's pool, without the ORM: the hot paths answer in
   * one statement (one PgBouncer transaction) that builds the JSON of the answer. `statement` is a
   * Prisma `sql` template, so every value is a bind parameter. Timed like Prisma's operations,
   * under model `sql` and the given operation name.
   */
  query<R extends QueryResultRow>(statement: Sql, operation: string): Promise<R[]> {
    return this.timed(this.scope('query').lease.client.pool, statement, operation);
  }

  /** Statements on `client`'s pool outside a tenant context (background work holding the client, e.g. the outbox sweeper). */
  sessionOf(client: TenantClient): SqlSession {
    return { query: (statement, operation) => this.timed(client.pool, statement, operation) };
  }

  /**
   * Runs `fn` in one transaction on one connection of the current tenant's pool, without the ORM:
   * committed when it resolves, rolled back when it throws (a connection that failed is dropped).
   */
  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    const connection = await this.scope('transaction').lease.client.pool.connect();
    let broken: Error | undefined;
    // A connection lost between two statements emits 'error' on the client, which the pool only
    // listens to while the client is idle: unheard, it would be an uncaught exception.
    const lost = (error: Error) => (broken = error);
    connection.on('error', lost);
    try {
      await connection.query('BEGIN');
      const result = await fn({ query: (statement, operation) => this.timed(connection, statement, operation) });
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      connection.removeListener('error', lost);
      connection.release(broken);
    }
  }

  private async timed<R extends QueryResultRow>(
    db: Pick<PoolClient, 'query'>,
    statement: Sql,
    operation: string,
  ): Promise<R[]> {
    const end = this.metrics.dbQueryDuration.startTimer({ database: 'tenant', model: 'sql', operation });
    try {
      return (await db.query<R>(statement.text, statement.values as unknown[])).rows;
    } finally {
      end();
    }
  }

  private scope(method: string): TenantScope {
    const scope = this.scopes.current();
    if (!scope) throw new Error(`TenantDatabase.${method}() called outside a tenant context`);
    return scope;
  }

  /**
   * Runs `fn` for a tenant outside a request (the worker's jobs, tests): the client is leased for
   * its duration. The tenant must be ACTIVE, as for a request.
   */
  async run<T>(owner: TenantScopeOwner, fn: () => Promise<T> | T): Promise<T> {
    const tenant = await this.locator.activeTenant(owner.tenantId);
    const lease = await this.registry.acquire(tenant.connection);
    try {
      return await this.scopes.enter({ owner, lease }, fn);
    } finally {
      lease.release();
    }
  }
}
