/**
 * Information a process adds to its GET /health/ready answer under `checks[key]` (the worker: the
 * persistence settings of the queues' Redis, the mail channels it fetches). Every provider of the
 * application that extends it is shown, an alias of one only once. It never makes the process
 * unready: `read` reports problems in its data instead of throwing.
 */
export abstract class ReadinessDetail {
  abstract readonly key: string;
  abstract read(): Promise<Record<string, unknown>>;
}
