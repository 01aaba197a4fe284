import { Prisma } from '@prisma/client/extension';

/** Which database a client reaches: the control database or one tenant's (never which tenant). */
export type DatabaseKind = 'control' | 'tenant';

/** What the extension records into: prom-client's Histogram fits. */
export interface QueryDurationRecorder {
  startTimer(labels: { database: DatabaseKind; model: string; operation: string }): () => unknown;
}

/**
 * A Prisma query extension timing every operation (a model call, a raw query, a batch
 * transaction's members) by database kind, model and operation: labels bounded by the schemas,
 * whatever the number of tenants. Failed operations are timed too.
 */
export function queryDurationExtension(database: DatabaseKind, recorder: QueryDurationRecorder) {
  return Prisma.defineExtension({
    name: 'query-duration',
    query: {
      async $allOperations({ model, operation, args, query }) {
        const end = recorder.startTimer({ database, model: model ?? 'none', operation });
        try {
          return await query(args);
        } finally {
          end();
        }
      },
    },
  });
}
