// One measured run of autocannon against one target, from this process (never inside an API).
// Latencies are recorded per response (autocannon's own histogram has no p95); req/s counts only
// 2xx answers, and every other answer or socket error is counted as an error by its status or code.
import autocannon from 'autocannon';
import { percentile } from './util';

export interface RequestShape {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface LoadSpec {
  readonly baseUrl: string;
  /** Called for every request: which path, token and body it sends. */
  readonly request: () => RequestShape;
  readonly connections: number;
  readonly durationS: number;
  /** Requests per second over all connections (a latency probe), else as fast as answered. */
  readonly overallRate?: number;
  readonly timeoutS?: number;
}

export interface LoadResult {
  readonly durationS: number;
  /** 2xx answers per second. */
  readonly rps: number;
  readonly ok: number;
  /** Latency of every answer, in ms. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Non-2xx answers by status and socket errors by code; must all be zero. */
  readonly errors: number;
  readonly errorsByKind: Record<string, number>;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorsByKind: Record<string, number> = {};
  let ok = 0;
  const count = (kind: string) => (errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1);
  const started = performance.now();
  let finish!: (error?: unknown) => void;
  const finished = new Promise<void>(
    (resolve, reject) => (finish = (error?: unknown) => (error ? reject(error) : resolve())),
  );
  const instance = autocannon(
    {
      url: spec.baseUrl,
      connections: spec.connections,
      duration: spec.durationS,
      timeout: spec.timeoutS ?? 10,
      overallRate: spec.overallRate,
      requests: [
        {
          setupRequest: (req) => {
            const shape = spec.request();
            return {
              ...req,
              method: shape.method,
              path: shape.path,
              headers: shape.headers,
              ...(shape.body === undefined ? {} : { body: shape.body }),
            };
          },
        },
      ],
    },
    (error: unknown) => finish(error),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (statusCode >= 200 && statusCode < 300) ok++;
    else count(String(statusCode));
  });
  instance.on('reqError', (error: NodeJS.ErrnoException) => count(error.code ?? error.message));
  await finished;
  const durationS = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const errors = Object.values(errorsByKind).reduce((a, b) => a + b, 0);
  return {
    durationS,
    rps: ok / durationS,
    ok,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    errors,
    errorsByKind,
  };
}

/** Error counts of several runs added up. */
export function addErrors(results: readonly LoadResult[]): { errors: number; errorsByKind: Record<string, number> } {
  const errorsByKind: Record<string, number> = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
  return { errors: Object.values(errorsByKind).reduce((a, b) => a + b, 0), errorsByKind };
}
