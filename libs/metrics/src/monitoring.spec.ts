// deploy/monitoring/ against the code: the Grafana dashboard and the Prometheus configuration parse, and
// every metric they query is one the code defines, so a renamed metric cannot leave a panel empty.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { QUEUE_JOBS_METRIC, QUEUE_JOBS_SCRAPE_FAILURES_METRIC } from '@helpdeskly/queues';
import { MetricsRegistry } from './metrics.registry';

const monitoring = join(__dirname, '../../../deploy/monitoring');
const read = (path: string) => readFileSync(join(monitoring, path), 'utf8');

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

/** Every series name a query may use: the registry's metrics, with a histogram's _bucket, _sum and _count. */
function definedSeries(): Set<string> {
  const names = new Set<string>();
  const metrics = new MetricsRegistry().registry
    .getMetricsAsArray()
    .map((m) => ({ name: m.name, type: (m as unknown as { type: string }).type }));
  metrics.push(
    { name: QUEUE_JOBS_METRIC, type: 'gauge' },
    { name: QUEUE_JOBS_SCRAPE_FAILURES_METRIC, type: 'counter' },
  );
  for (const { name, type } of metrics) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/**
 * The scalar `key: value` pairs of a YAML file, with their indentation. A shallow reading, enough
 * for the few keys checked here; it refuses tabs, which YAML forbids for indentation.
 */
function yamlPairs(text: string): { indent: number; key: string; value: string }[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  expect(lines.filter((l) => /^\s*\t/.test(l))).toEqual([]);
  return lines.flatMap((line) => {
    const match = /^(\s*)(?:- )?([\w.]+):\s*(.*)$/.exec(line);
    return match ? [{ indent: match[1].length, key: match[2], value: match[3].replace(/^['"]|['"]$/g, '') }] : [];
  });
}

describe('deploy/monitoring/', () => {
  const dashboard = JSON.parse(read('grafana/dashboards/helpdeskly.json')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { query: { query: string } }[] };
  };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const expressions = [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.map((v) => v.query.query),
  ];
  const prometheus = yamlPairs(read('prometheus.yml'));

  it('has a dashboard whose every query uses metrics the code defines', () => {
    const defined = definedSeries();
    const used = new Set(expressions.flatMap((e) => e.match(/helpdeskly_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((name) => !defined.has(name))).toEqual([]);
  });

  it('has panels for request rate, errors, latency, queues and the tenant registry, each with a query', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    expect(panels.filter((p) => !p.targets?.length)).toEqual([]);
    const has = (pattern: RegExp) => expressions.some((e) => pattern.test(e));
    expect(has(/rate\(helpdeskly_http_requests_total/)).toBe(true);
    expect(has(/status=~"5\.\."/)).toBe(true);
    expect(has(/histogram_quantile\(0\.99, .*helpdeskly_http_request_duration_seconds_bucket/)).toBe(true);
    expect(has(/helpdeskly_queue_jobs\{/)).toBe(true);
    expect(has(/helpdeskly_tenant_clients_open/)).toBe(true);
    expect(has(/helpdeskly_tenant_client_evictions_total/)).toBe(true);
  });

  it('queries only the provisioned datasource and the jobs Prometheus scrapes', () => {
    const datasource = yamlPairs(read('grafana/provisioning/datasources/prometheus.yml'));
    const uid = datasource.find((p) => p.key === 'uid')?.value;
    expect(uid).toBe('helpdeskly-prometheus');
    const uids = new Set(
      panels.flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]),
    );
    expect([...uids]).toEqual([uid]);
    const jobs = prometheus.filter((p) => p.key === 'job_name').map((p) => p.value);
    const jobsQueried = new Set(expressions.flatMap((e) => [...e.matchAll(/job="([^"]+)"/g)].map((m) => m[1])));
    expect([...jobsQueried].filter((job) => !jobs.includes(job))).toEqual([]);
  });

  it('scrapes /metrics of control-api, app-api, the worker and node-exporter on their ports', () => {
    expect(prometheus.filter((p) => p.key === 'job_name').map((p) => p.value)).toEqual([
      'helpdeskly-control-api',
      'helpdeskly-app-api',
      'helpdeskly-worker',
      'node-exporter',
    ]);
    expect(prometheus.filter((p) => p.key === 'metrics_path').map((p) => p.value)).toEqual([
      '/metrics',
      '/metrics',
      '/metrics',
      '/metrics',
    ]);
    const targets = prometheus.filter((p) => p.key === 'targets').map((p) => p.value);
    expect(targets).toEqual(["['control-api:6500']", "['app-api:6501']", "['worker:6502']", "['node-exporter:9100']"]);
    const interval = (key: string) =>
      Number(prometheus.find((p) => p.key === key && p.indent === 2)?.value.replace(/s$/, ''));
    expect(interval('scrape_timeout')).toBeLessThan(interval('scrape_interval'));
  });

  it('provisions the dashboards folder from a file provider', () => {
    const provider = yamlPairs(read('grafana/provisioning/dashboards/helpdeskly.yml'));
    expect(provider.find((p) => p.key === 'type')?.value).toBe('file');
    expect(provider.find((p) => p.key === 'path')?.value).toBe('/var/lib/grafana/dashboards');
  });
});
