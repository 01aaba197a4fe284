// What can be checked of the deployment files on a machine without a Docker engine or a cluster:
// the compose files through Debian's docker-compose, the nginx config through nginx -t (and a
// real nginx in front of a stand-in API), the shell scripts through shellcheck, the Helm chart
// rendered (scripts/ops/helm-template.ts) and its objects inspected, the workflows parsed.
// scripts/test.sh installs docker-compose, nginx and shellcheck when missing (ensure_ops_tools).
import { type SpawnSyncReturns, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { parse } from 'yaml';
import { createLogger } from '@helpdeskly/logging';
import { LogCapture, freePort, waitFor, writeSelfSignedCertificate } from '@helpdeskly/testing';
import { VAULT_SECRETS } from '@helpdeskly/secrets';
import { type KubernetesObject, renderChart } from './helm-chart';

const ROOT = join(__dirname, '../..');
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

/** Runs a tool with only PATH and HOME, so the test suite's own variables never reach compose. */
function run(command: string, args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin`, HOME: tmpdir(), ...env },
    timeout: 60_000,
  });
  if (result.error)
    throw new Error(
      `${command} could not run (${result.error.message}); scripts/test.sh installs it (ensure_ops_tools)`,
    );
  return result;
}

const output = (result: SpawnSyncReturns<string>): string => `${result.stdout}${result.stderr}`;

// Every value docker-compose.prod.yml requires, as an operator would fill .env.production.
const PRODUCTION_ENV: Record<string, string> = {
  FRONTEND_URL: 'https://helpdesk.example.com',
  POSTGRES_PASSWORD: 'a1b2c3d4e5f6a7b8c9d0e1f2',
  HELPDESKLY_DB_PASSWORD: 'b1b2c3d4e5f6a7b8c9d0e1f2',
  PGBOUNCER_AUTH_PASSWORD: 'c1b2c3d4e5f6a7b8c9d0e1f2',
  PGBOUNCER_STATS_PASSWORD: 'd1b2c3d4e5f6a7b8c9d0e1f2',
  PGBOUNCER_ADMIN_PASSWORD: 'e1b2c3d4e5f6a7b8c9d0e1f2',
  TENANT_GATEWAY_PASSWORD: 'b3b2c3d4e5f6a7b8c9d0e1f2',
  TENANT_BACKEND_BUDGET: '167',
  REDIS_PASSWORD: 'f1b2c3d4e5f6a7b8c9d0e1f2',
  REDIS_CACHE_PASSWORD: 'a2b2c3d4e5f6a7b8c9d0e1f2',
  JWT_SECRET: 'a3b2c3d4e5f6a7b8c9d0e1f2a3b2c3d4e5f6a7b8',
  DB_ENCRYPTION_KEY: 'a4b2c3d4e5f6a7b8c9d0e1f2a3b2c3d4e5f6a7b8',
  SMTP_HOST: 'smtp.example.com',
  MAIL_FROM: 'support@example.com',
};

describe('deployment files', () => {
  const temp = mkdtempSync(join(tmpdir(), 'helpdeskly-ops-'));

  after(() => rmSync(temp, { recursive: true, force: true }));

  function envFile(values: Record<string, string>): string {
    const file = join(temp, `env-${Object.keys(values).length}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(
      file,
      Object.entries(values)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    return file;
  }

  describe('deploy/compose/docker-compose.prod.yml', () => {
    function config(values: Record<string, string>): SpawnSyncReturns<string> {
      return run('docker-compose', [
        '--env-file',
        envFile(values),
        '-f',
        'deploy/compose/docker-compose.prod.yml',
        '--profile',
        'proxy',
        '--profile',
        'tools',
        'config',
      ]);
    }

    // docker-compose takes seconds to start: the complete configuration is rendered once.
    let complete: SpawnSyncReturns<string>;
    let services: Record<string, Record<string, any>>;
    before(() => {
      complete = config(PRODUCTION_ENV);
      services =
        complete.status === 0
          ? (parse(complete.stdout) as { services: Record<string, Record<string, any>> }).services
          : {};
    });

    it('is accepted by docker-compose with a complete .env.production, every service healthchecked', () => {
      expect(output(complete)).not.toMatch(/error|invalid/i);
      expect(complete.status).toBe(0);
      expect(Object.keys(services).sort()).toEqual([
        'app-api',
        'backup',
        'control-api',
        'migrate',
        'nginx',
        'pgadmin',
        'pgbouncer',
        'postgres',
        'redis',
        'redis-cache',
        'worker',
      ]);
      for (const [name, service] of Object.entries(services)) {
        // One-shot jobs report through their exit code (service_completed_successfully).
        if (name === 'migrate' || name === 'backup') expect(service.healthcheck).toEqual({ test: ['NONE'] });
        else
          expect({ name, test: service.healthcheck?.test }).toEqual({
            name,
            test: expect.arrayContaining([expect.any(String)]),
          });
      }
      expect(services.nginx.profiles).toEqual(['proxy']);
      expect(services.pgadmin.profiles).toEqual(['tools']);
    });

    it('builds from the Dockerfile at the root and mounts files of the checkout that exist', () => {
      for (const name of ['migrate', 'control-api', 'app-api', 'worker'])
        expect({ name, context: services[name].build.context }).toEqual({ name, context: ROOT });
      expect(services.backup.build.context).toBe(join(ROOT, 'deploy/backup'));
      const sources: string[] = Object.values(services).flatMap((service) =>
        (service.volumes ?? [])
          .map((volume: string | { source: string }) =>
            typeof volume === 'string' ? volume.split(':')[0] : volume.source,
          )
          .filter((source: string) => source.startsWith(`${ROOT}/`)),
      );
      // What the operator provides: the TLS certificates, and the backups' folder (BACKUP_HOST_DIR).
      const provided = [join(ROOT, 'deploy/nginx/certs'), join(ROOT, 'backups')];
      expect(sources).toEqual(expect.arrayContaining([...provided, join(ROOT, 'scripts')]));
      expect(sources.filter((source) => !provided.includes(source) && !existsSync(source))).toEqual([]);
      // The backup job runs the mounted checkout's script.
      const [, script] = services.backup.entrypoint;
      expect(existsSync(join(ROOT, script.replace(/^\/helpdeskly\//, '')))).toBe(true);
    });

    it('keeps queued jobs: the queue Redis persists and never evicts, the cache Redis is another server', () => {
      const queue = services.redis.command.join(' ');
      expect(queue).toMatch(/--appendonly yes/);
      expect(queue).toMatch(/--maxmemory-policy noeviction/);
      expect(services['redis-cache'].command.join(' ')).toMatch(/--maxmemory-policy volatile-lru/);
      expect(services['control-api'].environment.REDIS_URL).toMatch(/@redis:6379$/);
      expect(services['control-api'].environment.REDIS_CACHE_URL).toMatch(/@redis-cache:6379$/);
    });

    it('starts the APIs and the worker only after the one-shot migration of every database succeeded', () => {
      for (const name of ['control-api', 'app-api', 'worker']) {
        expect(services[name].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
        expect(services[name].environment.NODE_ENV).toBe('production');
      }
      expect(services.migrate.build.target).toBe('migrate');
      expect(services['control-api'].environment.RUN_WORKERS).toBe('false');
    });

    it('refuses to render when a secret is missing', () => {
      for (const missing of ['REDIS_PASSWORD', 'POSTGRES_PASSWORD']) {
        const values = { ...PRODUCTION_ENV };
        delete values[missing];
        const result = config(values);
        expect({ missing, status: result.status }).toEqual({ missing, status: 1 });
        expect(output(result)).toContain(`set ${missing} in .env.production`);
      }
    });

    it('documents every variable it reads in .env.production.example, with no secret filled in', () => {
      const compose = readFileSync(join(ROOT, 'deploy/compose/docker-compose.prod.yml'), 'utf8');
      const used = new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)[:}]/g)].map((match) => match[1]));
      const example = Object.fromEntries(
        readFileSync(join(ROOT, '.env.production.example'), 'utf8')
          .split('\n')
          .filter((line) => /^[A-Z0-9_]+=/.test(line))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect([...used].filter((name) => !(name in example))).toEqual([]);
      for (const secret of Object.keys(PRODUCTION_ENV).filter((key) => /PASSWORD|SECRET|KEY/.test(key)))
        expect({ secret, value: example[secret] }).toEqual({ secret, value: '' });
    });
  });

  describe('deploy/compose/docker-compose.vault.yml (with docker-compose.prod.yml)', () => {
    // Secrets from Vault: no JWT_SECRET or DB_ENCRYPTION_KEY in .env.production, AppRole credentials instead.
    const { JWT_SECRET: _jwt, DB_ENCRYPTION_KEY: _key, ...withoutSecrets } = PRODUCTION_ENV;
    const VAULT_ENV = { ...withoutSecrets, VAULT_ROLE_ID: 'c6a1f7a2-role', VAULT_SECRET_ID: 'f1e2d3c4-secret' };
    let rendered: SpawnSyncReturns<string>;
    let services: Record<string, Record<string, any>>;
    before(() => {
      rendered = run('docker-compose', [
        '--env-file',
        envFile(VAULT_ENV),
        '-f',
        'deploy/compose/docker-compose.prod.yml',
        '-f',
        'deploy/compose/docker-compose.vault.yml',
        'config',
      ]);
      services =
        rendered.status === 0
          ? (parse(rendered.stdout) as { services: Record<string, Record<string, any>> }).services
          : {};
    });

    it('renders without JWT_SECRET and DB_ENCRYPTION_KEY: the APIs and the worker read them from Vault with AppRole, after vault-init', () => {
      expect(output(rendered)).not.toMatch(/error|invalid/i);
      expect(rendered.status).toBe(0);
      expect(services.vault.healthcheck.test).toEqual(expect.arrayContaining([expect.any(String)]));
      expect(services['vault-init'].depends_on.vault).toEqual({ condition: 'service_healthy' });
      for (const name of ['control-api', 'app-api', 'worker']) {
        const environment = services[name].environment;
        expect({
          name,
          addr: environment.VAULT_ADDR,
          role: environment.VAULT_ROLE_ID,
          secret: environment.VAULT_SECRET_ID,
          jwt: environment.JWT_SECRET,
          key: environment.DB_ENCRYPTION_KEY,
        }).toEqual({
          name,
          addr: 'http://vault:8200',
          role: 'c6a1f7a2-role',
          secret: 'f1e2d3c4-secret',
          jwt: '',
          key: '',
        });
        // The base file's variables are still there (merged, not replaced).
        expect(environment.CONTROL_DATABASE_URL).toMatch(/@postgres:5432\/helpdeskly_control$/);
        expect(services[name].depends_on['vault-init']).toEqual({ condition: 'service_completed_successfully' });
        expect(services[name].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
      }
      expect(services.migrate.environment.VAULT_ADDR).toBe('http://vault:8200');
      expect(services.migrate.depends_on['vault-init']).toEqual({ condition: 'service_completed_successfully' });
      expect(services.vault.networks).toEqual(expect.objectContaining({ backend: expect.anything() }));
    });

    it('has the init script write every path the secrets provider reads, with a read-only policy over them', () => {
      const init = readFileSync(join(ROOT, 'deploy/vault/init.sh'), 'utf8');
      for (const path of [VAULT_SECRETS.jwt, VAULT_SECRETS.dbEncryption, VAULT_SECRETS.databaseServer('primary')])
        expect(init).toContain(`put_if_absent helpdeskly/${path} `);
      expect(init).toMatch(/put_if_absent helpdeskly\/jwt secret=/);
      expect(init).toMatch(/put_if_absent helpdeskly\/db-encryption v1=.* current=v1/);
      expect(init).toMatch(/put_if_absent helpdeskly\/database-servers\/primary username=\S+ password=/);
      expect(init).toMatch(/path "secret\/data\/helpdeskly\/\*" \{\s+capabilities = \["read"\]\s+\}/);
      expect(init).toContain('token_policies=helpdeskly');
    });
  });

  describe('deploy/compose/docker-compose.monitoring.yml and docker-compose.logging.yml (with docker-compose.prod.yml)', () => {
    const STACKS = ['deploy/compose/docker-compose.monitoring.yml', 'deploy/compose/docker-compose.logging.yml'];
    const MONITORING_ENV = { ...PRODUCTION_ENV, GRAFANA_ADMIN_PASSWORD: 'a5b2c3d4e5f6a7b8c9d0e1f2' };
    const monitoringYaml = (path: string): Record<string, any> =>
      parse(readFileSync(join(ROOT, 'deploy/monitoring', path), 'utf8'));
    const networksOf = (service: Record<string, any>): string[] =>
      Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});
    const hostOf = (address: string): string =>
      new URL(address.includes('://') ? address : `http://${address}`).hostname;

    function config(values: Record<string, string>, stacks: string[]): SpawnSyncReturns<string> {
      return run('docker-compose', [
        '--env-file',
        envFile(values),
        '-f',
        'deploy/compose/docker-compose.prod.yml',
        ...stacks.flatMap((file) => ['-f', file]),
        'config',
      ]);
    }

    let complete: SpawnSyncReturns<string>;
    let services: Record<string, Record<string, any>>;
    before(() => {
      complete = config(MONITORING_ENV, STACKS);
      services =
        complete.status === 0
          ? (parse(complete.stdout) as { services: Record<string, Record<string, any>> }).services
          : {};
    });

    it('are accepted by docker-compose together and each alone, every added service healthchecked', () => {
      expect(output(complete)).not.toMatch(/error|invalid/i);
      expect(complete.status).toBe(0);
      for (const name of ['prometheus', 'grafana', 'node-exporter', 'loki', 'promtail']) {
        expect({ name, test: services[name]?.healthcheck?.test }).toEqual({
          name,
          test: expect.arrayContaining([expect.any(String)]),
        });
      }
      for (const stack of STACKS) {
        const alone = config(MONITORING_ENV, [stack]);
        expect({ stack, status: alone.status, output: output(alone).match(/error|invalid/i) }).toEqual({
          stack,
          status: 0,
          output: null,
        });
      }
    });

    it('refuses to render without a Grafana administrator password', () => {
      const { GRAFANA_ADMIN_PASSWORD: _omitted, ...values } = MONITORING_ENV;
      const result = config(values, STACKS);
      expect(result.status).toBe(1);
      expect(output(result)).toContain('set GRAFANA_ADMIN_PASSWORD in .env.production');
    });

    it('documents every variable they read in .env.production.example, with no secret filled in', () => {
      const used = new Set(
        STACKS.flatMap((file) =>
          [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\$\{([A-Z0-9_]+)[:}]/g)].map((match) => match[1]),
        ),
      );
      const example = new Map(
        readFileSync(join(ROOT, '.env.production.example'), 'utf8')
          .split('\n')
          .filter((line) => /^[A-Z0-9_]+=/.test(line))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect([...used].filter((name) => !example.has(name))).toEqual([]);
      expect(example.get('GRAFANA_ADMIN_PASSWORD')).toBe('');
    });

    it('mounts configuration files that exist and parse, and publishes Grafana and Prometheus on loopback only', () => {
      const mounted = Object.values(services).flatMap((service) =>
        (service.volumes ?? [])
          .map((volume: string | { source: string }) =>
            typeof volume === 'string' ? volume.split(':')[0] : volume.source,
          )
          .filter((source: string) => source.startsWith(join(ROOT, 'deploy/monitoring'))),
      );
      expect(mounted.map((source: string) => source.slice(ROOT.length + 1)).sort()).toEqual([
        'deploy/monitoring/grafana/dashboards',
        'deploy/monitoring/grafana/provisioning',
        'deploy/monitoring/loki/loki.yml',
        'deploy/monitoring/prometheus.yml',
        'deploy/monitoring/promtail/promtail.yml',
      ]);
      for (const source of mounted) expect({ source, exists: existsSync(source) }).toEqual({ source, exists: true });
      const yamlFiles = [
        'prometheus.yml',
        'loki/loki.yml',
        'promtail/promtail.yml',
        ...readdirSync(join(ROOT, 'deploy/monitoring/grafana/provisioning/datasources')).map(
          (name) => `grafana/provisioning/datasources/${name}`,
        ),
      ];
      for (const file of yamlFiles)
        expect({ file, parsed: typeof monitoringYaml(file) }).toEqual({ file, parsed: 'object' });

      for (const name of ['prometheus', 'grafana']) {
        const published = JSON.stringify(services[name].ports);
        expect({ name, loopback: /127\.0\.0\.1/.test(published) }).toEqual({ name, loopback: true });
      }
      expect([services['node-exporter'].ports, services.loki.ports, services.promtail.ports]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('lets Prometheus reach every target it scrapes, node-exporter included, and Grafana every datasource', () => {
      const shareNetwork = (a: string, b: string) =>
        networksOf(services[a]).some((network) => networksOf(services[b]).includes(network));
      const targets: string[] = monitoringYaml('prometheus.yml').scrape_configs.flatMap((job: any) =>
        job.static_configs.flatMap((c: any) => c.targets),
      );
      expect(targets).toContain('node-exporter:9100');
      for (const target of targets)
        expect({ target, reachable: hostOf(target) in services && shareNetwork('prometheus', hostOf(target)) }).toEqual(
          { target, reachable: true },
        );
      expect(services.prometheus.volumes.map(String).join()).toMatch(
        /monitoring\/prometheus\.yml:\/etc\/prometheus\/prometheus\.yml:ro/,
      );

      const datasources = readdirSync(join(ROOT, 'deploy/monitoring/grafana/provisioning/datasources')).flatMap(
        (name) => monitoringYaml(`grafana/provisioning/datasources/${name}`).datasources,
      );
      expect(datasources.map((d: any) => [d.type, d.uid]).sort()).toEqual([
        ['loki', 'helpdeskly-loki'],
        ['prometheus', 'helpdeskly-prometheus'],
      ]);
      for (const { url } of datasources)
        expect({ url, reachable: shareNetwork('grafana', hostOf(url)) }).toEqual({ url, reachable: true });
      // Provisioned dashboards are read where the dashboard provider looks for them.
      const dashboards = monitoringYaml('grafana/provisioning/dashboards/helpdeskly.yml').providers[0].options.path;
      expect(services.grafana.volumes.map(String).join()).toContain(
        `deploy/monitoring/grafana/dashboards:${dashboards}:ro`,
      );
    });

    it('ships the JSON lines of the APIs and the worker to Loki, with bounded labels only', () => {
      const promtail = monitoringYaml('promtail/promtail.yml');
      const loki = monitoringYaml('loki/loki.yml');
      const [client] = promtail.clients;
      expect(hostOf(client.url)).toBe('loki');
      expect(new URL(client.url).port).toBe(String(loki.server.http_listen_port));
      expect(networksOf(services.promtail)).toEqual(expect.arrayContaining(networksOf(services.loki)));
      expect(services.promtail.volumes.map(String).join()).toMatch(
        /\/var\/run\/docker\.sock:\/var\/run\/docker\.sock:ro/,
      );

      const [job] = promtail.scrape_configs;
      const keep = job.relabel_configs.find((rule: any) => rule.action === 'keep');
      const kept = Object.keys(services).filter((name) => new RegExp(`^(?:${keep.regex})$`).test(name));
      expect(kept.sort()).toEqual(['app-api', 'control-api', 'worker']);
      for (const name of kept)
        expect({ name, format: services[name].environment.LOG_FORMAT, driver: services[name].logging.driver }).toEqual({
          name,
          format: 'json',
          driver: 'json-file',
        });

      // Labels index streams: a tenant or user id there is a stream per tenant or user.
      const labels = [
        ...job.relabel_configs.filter((rule: any) => rule.target_label).map((rule: any) => rule.target_label),
        ...job.pipeline_stages.filter((stage: any) => stage.labels).flatMap((stage: any) => Object.keys(stage.labels)),
      ];
      expect(labels.sort()).toEqual(['compose_project', 'level', 'service']);

      // The fields the pipeline reads are the ones the logger writes, in the format it reads them.
      const capture = new LogCapture();
      createLogger({ name: 'control-api', level: 'info', pretty: false, destination: capture }).info(
        { requestId: 'r1' },
        'request completed',
      );
      const [line] = capture.entries();
      const json = job.pipeline_stages.find((stage: any) => stage.json).json.expressions;
      for (const field of Object.values(json) as string[])
        expect({ field, present: field in line }).toEqual({ field, present: true });
      expect(line.level).toBe('info');
      expect(job.pipeline_stages.find((stage: any) => stage.timestamp).timestamp.format).toBe('RFC3339Nano');
      expect(String(line.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
      expect(loki.limits_config.retention_period).toMatch(/^\$\{LOKI_RETENTION:-\d+h\}$/);
      expect(loki.compactor.retention_enabled).toBe(true);
    });
  });

  it('deploy/compose/docker-compose.yml (development) is accepted by docker-compose', () => {
    const result = run('docker-compose', ['-f', 'deploy/compose/docker-compose.yml', 'config', '--services']);
    expect(output(result)).not.toMatch(/error|invalid/i);
    expect(result.stdout.trim().split('\n').sort()).toEqual(['pgbouncer', 'postgres', 'redis']);
  });

  describe('deploy/nginx/nginx.conf', () => {
    const certs = join(temp, 'certs');

    before(() => {
      mkdirSync(certs);
      writeSelfSignedCertificate(['control.helpdesk.test', 'app.helpdesk.test'], {
        cert: join(certs, 'fullchain.pem'),
        key: join(certs, 'privkey.pem'),
      });
    });

    /** The config as nginx -t reads it here: certificates from the temp dir, optional edits. */
    function configFile(edit: (text: string) => string = (text) => text): string {
      const file = join(temp, `nginx-${Math.random().toString(36).slice(2)}.conf`);
      writeFileSync(
        file,
        edit(
          readFileSync(join(ROOT, 'deploy/nginx/nginx.conf'), 'utf8')
            .replaceAll('/etc/nginx/certs/', `${certs}/`)
            .replace('access_log /dev/stdout', `access_log ${temp}/access.log`),
        ),
      );
      return file;
    }

    it('passes nginx -t with certificates in place, and fails without them', () => {
      const ok = run(NGINX, ['-t', '-q', '-c', configFile()]);
      expect(output(ok)).toBe('');
      expect(ok.status).toBe(0);

      const missing = run(NGINX, [
        '-t',
        '-q',
        '-c',
        configFile((text) => text.replaceAll(`${certs}/fullchain.pem`, `${certs}/absent.pem`)),
      ]);
      expect(missing.status).not.toBe(0);
      expect(output(missing)).toMatch(/absent\.pem/);
    });

    describe('serving', () => {
      let api: Server;
      let nginx: ReturnType<typeof spawn>;
      let httpPort: number;
      let httpsPort: number;
      const seen: string[] = [];

      before(async () => {
        // A stand-in for both APIs that echoes what nginx forwarded.
        api = createServer((request, response) => {
          seen.push(request.url!);
          response.setHeader('content-type', 'application/json');
          response.setHeader('x-powered-by', 'stand-in');
          response.end(
            JSON.stringify({
              url: request.url,
              forwardedFor: request.headers['x-forwarded-for'],
              proto: request.headers['x-forwarded-proto'],
              requestId: request.headers['x-request-id'],
            }),
          );
        });
        await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
        const apiPort = (api.address() as { port: number }).port;
        [httpPort, httpsPort] = [await freePort(), await freePort()];
        const file = configFile((text) =>
          text
            .replace(/^\s*listen \[::\].*$/gm, '')
            .replace(/listen 80 /g, `listen 127.0.0.1:${httpPort} `)
            .replace(/listen 443 /g, `listen 127.0.0.1:${httpsPort} `)
            .replace(/http:\/\/(control-api:6500|app-api:6501)/g, `http://127.0.0.1:${apiPort}`)
            .replace('worker_processes auto;', 'worker_processes 1;\ndaemon off;')
            .replace('pid /tmp/nginx.pid;', `pid ${temp}/nginx.pid;`),
        );
        nginx = spawn(NGINX, ['-c', file, '-e', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        nginx.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        await waitFor(
          `nginx on ${httpPort}`,
          async () => (await fetch(`http://127.0.0.1:${httpPort}/nginx-health`)).ok,
          10_000,
        ).catch((error) => {
          throw new Error(`${(error as Error).message}\n${stderr}`);
        });
      });

      after(async () => {
        nginx?.kill('SIGTERM');
        await new Promise<void>((resolve) => api.close(() => resolve()));
      });

      /**
       * A request over TLS to the nginx under test with the given Host, through curl (SNI + Host).
       * Asynchronous: the stand-in API answers from this process's event loop.
       */
      async function curl(
        host: string,
        path: string,
        ...extra: string[]
      ): Promise<{ status: number; headers: string; body: string; code: string }> {
        const { stdout } = await promisify(execFile)('curl', [
          '-sk',
          '-i',
          '--max-time',
          '10',
          '--resolve',
          `${host}:${httpsPort}:127.0.0.1`,
          ...extra,
          `https://${host}:${httpsPort}${path}`,
        ]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
        const [head, ...rest] = stdout.split('\r\n\r\n');
        return {
          status: Number(/^HTTP\/\S+ (\d+)/.exec(head)?.[1] ?? 0),
          headers: head.toLowerCase(),
          body: rest.join('\r\n\r\n'),
          code: stdout,
        };
      }

      it('redirects HTTP to HTTPS', async () => {
        const { stdout } = await promisify(execFile)('curl', [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code} %{redirect_url}',
          '-H',
          'Host: app.helpdesk.test',
          `http://127.0.0.1:${httpPort}/v1/tickets?x=1`,
        ]);
        expect(stdout).toBe('301 https://app.helpdesk.test/v1/tickets?x=1');
      });

      it('proxies both API hosts with forwarding headers and security headers, and denies /metrics', async () => {
        const control = await curl('control.helpdesk.test', '/health', '-H', 'x-request-id: caller-request-1234');
        expect(control.status).toBe(200);
        expect(JSON.parse(control.body)).toEqual({
          url: '/health',
          forwardedFor: '127.0.0.1',
          proto: 'https',
          requestId: 'caller-request-1234',
        });
        expect(control.headers).toMatch(/strict-transport-security: max-age=63072000/);
        expect(control.headers).toMatch(/x-content-type-options: nosniff/);
        expect(control.headers).not.toMatch(/x-powered-by/);

        const app = await curl('app.helpdesk.test', '/v1/helpdesk');
        expect(app.status).toBe(200);
        expect(JSON.parse(app.body).requestId).toMatch(/^[0-9a-f]{32}$/);

        seen.length = 0;
        for (const path of ['/metrics', '/metrics/', '//metrics', '/v1/../metrics']) {
          expect({ path, status: (await curl('app.helpdesk.test', path, '--path-as-is')).status }).toEqual({
            path,
            status: 403,
          });
          expect({ path, status: (await curl('control.helpdesk.test', path, '--path-as-is')).status }).toEqual({
            path,
            status: 403,
          });
        }
        expect(seen).toEqual([]);
      });

      it('closes unknown host names and refuses bodies over the limit', async () => {
        expect((await curl('other.test', '/')).status).toBe(0);
        const big = join(temp, 'big.json');
        writeFileSync(big, 'x'.repeat(3 * 1024 * 1024));
        expect((await curl('app.helpdesk.test', '/v1/tickets', '-X', 'POST', '--data-binary', `@${big}`)).status).toBe(
          413,
        );
      });

      it('rate-limits the authentication routes per client IP with 429', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++)
          statuses.push((await curl('control.helpdesk.test', '/v1/auth/login', '-X', 'POST')).status);
        expect(statuses[0]).toBe(200);
        expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      });
    });
  });

  it('shellcheck passes on every script', () => {
    const scripts = [
      ...['scripts', 'scripts/lib', 'scripts/ops', 'scripts/ops/lib'].flatMap((dir) =>
        readdirSync(join(ROOT, dir))
          .filter((name) => name.endsWith('.sh'))
          .map((name) => `${dir}/${name}`),
      ),
      'deploy/pgbouncer/docker-entrypoint.sh',
      'deploy/vault/init.sh',
    ];
    expect(scripts).toEqual(
      expect.arrayContaining([
        'scripts/ops/deploy.sh',
        'scripts/ops/rollback.sh',
        'scripts/ops/backup.sh',
        'scripts/ops/restore.sh',
        'scripts/ops/build-release.sh',
      ]),
    );
    const result = run('shellcheck', ['-x', ...scripts]);
    expect(output(result)).toBe('');
    expect(result.status).toBe(0);
  });

  describe('deploy/helm/helpdeskly (rendered by scripts/ops/helm-template.ts)', () => {
    const objects = renderChart();
    const find = (kind: string, name: string): KubernetesObject => {
      const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
      if (!object)
        throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
      return object;
    };

    it('renders the deployments, services, ingress, autoscalers, config map and migration job', () => {
      expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
        'ConfigMap/helpdeskly',
        'Deployment/helpdeskly-app-api',
        'Deployment/helpdeskly-control-api',
        'Deployment/helpdeskly-worker',
        'HorizontalPodAutoscaler/helpdeskly-app-api',
        'HorizontalPodAutoscaler/helpdeskly-control-api',
        'Ingress/helpdeskly',
        'Job/helpdeskly-migrate',
        'Service/helpdeskly-app-api',
        'Service/helpdeskly-control-api',
        'Service/helpdeskly-worker',
      ]);
    });

    it('probes /health and /health/ready, sets requests and limits, and references the secret', () => {
      for (const component of ['control-api', 'app-api', 'worker']) {
        const deployment = find('Deployment', `helpdeskly-${component}`);
        const [container] = deployment.spec!.template.spec.containers;
        expect(container.livenessProbe.httpGet.path).toBe('/health');
        expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'helpdeskly' } },
          { secretRef: { name: 'helpdeskly-secrets' } },
        ]);
        expect(container.image).toBe(`ghcr.io/your-org/helpdeskly-${component}:0.1.0`);
        expect(deployment.spec!.selector.matchLabels).toEqual(
          deployment.spec!.template.metadata.labels &&
            expect.objectContaining({ 'app.kubernetes.io/component': component }),
        );
      }
      expect(objects.some((object) => object.kind === 'Secret')).toBe(false);
      const config = find('ConfigMap', 'helpdeskly').data!;
      expect(
        Object.keys(config).filter((key) => /SECRET|KEY|PASSWORD|_URL$/.test(key) && key !== 'FRONTEND_URL'),
      ).toEqual([]);
      expect(config.RUN_WORKERS).toBe('false');
    });

    it('migrates before install and upgrade with a hook Job of the migrate image', () => {
      const job = find('Job', 'helpdeskly-migrate');
      expect(job.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(job.spec!.template.spec.restartPolicy).toBe('Never');
      expect(job.spec!.template.spec.containers[0].image).toBe('ghcr.io/your-org/helpdeskly-migrate:0.1.0');
      // The Job reads the ConfigMap, so it must exist first, even on the first install.
      const configMap = find('ConfigMap', 'helpdeskly');
      expect(Number(configMap.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(
        Number(job.metadata.annotations!['helm.sh/hook-weight']),
      );
    });

    it('routes each host to its API over TLS, and follows the values', () => {
      const ingress = find('Ingress', 'helpdeskly');
      expect(ingress.spec!.rules.map((rule: any) => [rule.host, rule.http.paths[0].backend.service.name])).toEqual([
        ['control.helpdesk.example.com', 'helpdeskly-control-api'],
        ['app.helpdesk.example.com', 'helpdeskly-app-api'],
      ]);
      expect(ingress.spec!.tls[0].secretName).toBe('helpdeskly-tls');

      const custom = renderChart(
        {
          image: { tag: '1.2.3' },
          appApi: { autoscaling: { enabled: false }, replicas: 5 },
          ingress: { enabled: false },
          migrations: { enabled: false },
        },
        'prod',
      );
      const app = custom.find(
        (object) => object.kind === 'Deployment' && object.metadata.name === 'prod-helpdeskly-app-api',
      )!;
      expect(app.spec!.replicas).toBe(5);
      expect(app.spec!.template.spec.containers[0].image).toBe('ghcr.io/your-org/helpdeskly-app-api:1.2.3');
      expect(
        custom.filter(
          (object) =>
            ['Ingress', 'Job'].includes(object.kind) ||
            (object.metadata.name === 'prod-helpdeskly-app-api' && object.kind === 'HorizontalPodAutoscaler'),
        ),
      ).toEqual([]);
      expect(() => renderChart({ existingSecret: '' })).toThrow(/existingSecret must name a Secret/);
    });
  });

  it('the workflows parse, test with PostgreSQL and Redis services, build every image target, scan and deploy', () => {
    const workflow = (name: string): Record<string, any> =>
      parse(readFileSync(join(ROOT, '.github/workflows', name), 'utf8'));
    const test = workflow('test.yml');
    expect(Object.keys(test.jobs.test.services).sort()).toEqual(['postgres', 'redis']);
    expect(test.jobs.test.steps.map((step: any) => step.run ?? '').join('\n')).toMatch(
      /scripts\/infra\.sh pgbouncer[\s\S]*scripts\/test\.sh/,
    );

    const build = workflow('build.yml');
    const dockerfileTargets = [...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM \S+ AS (\S+)$/gm)].map(
      (match) => match[1],
    );
    expect(dockerfileTargets).toEqual(expect.arrayContaining(build.jobs.image.strategy.matrix.target));
    expect(build.jobs.image.strategy.matrix.target.sort()).toEqual(['app-api', 'control-api', 'migrate', 'worker']);
    expect(JSON.stringify(build.jobs.scan)).toMatch(/trivy/);

    const deploy = workflow('deploy.yml');
    expect(JSON.stringify(deploy.jobs)).toMatch(
      /helm upgrade --install helpdeskly deploy\/helm\/helpdeskly[\s\S]*--atomic/,
    );
  });

  it('the Dockerfile builds with scripts/ops/build-release.sh and runs every target as a non-root user with a health check', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN [^\n]*\\\n\s*bash scripts\/ops\/build-release\.sh --in-place \/release/);
    const stages = dockerfile.split(/^FROM /m).slice(1);
    for (const target of ['control-api', 'app-api', 'worker']) {
      const stage = stages.find((text) => text.startsWith(`runtime AS ${target}\n`));
      expect({ target, healthcheck: /HEALTHCHECK/.test(stage ?? '') }).toEqual({ target, healthcheck: true });
    }
    expect(stages.find((text) => / AS runtime\n/.test(text))).toMatch(/^USER node$/m);
    expect(stages.find((text) => text.startsWith('build AS migrate'))).toMatch(/^USER node$/m);
  });
});
