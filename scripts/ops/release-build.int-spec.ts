// The release scripts/ops/build-release.sh assembles (the Dockerfile's build stage): scripts/test.sh
// builds it once per run with --in-place, as the Dockerfile does, into HELPDESKLY_RELEASE_DIR,
// outside the checkout so nothing resolves from the checkout's node_modules. This file checks
// what it holds and starts control-api from it alone, as the image starts it. Run alone, build it
// first: bash scripts/ops/build-release.sh /tmp/helpdeskly-release-$(id -u)
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort, waitFor } from '@helpdeskly/testing';

const ROOT = join(__dirname, '../..');
const out = process.env.HELPDESKLY_RELEASE_DIR || join(tmpdir(), `helpdeskly-release-${process.getuid?.() ?? 0}`);

describe('the release of scripts/ops/build-release.sh', () => {
  let api: ChildProcess | undefined;

  after(async () => {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((resolve) => api!.once('exit', resolve));
    }
  });

  it('holds both APIs, the worker, prisma/ and production dependencies only', () => {
    if (!existsSync(join(out, 'package.json')))
      throw new Error(`No release in ${out}: scripts/test.sh builds it (bash scripts/ops/build-release.sh ${out})`);
    for (const entry of [
      'dist/apps/control-api/apps/control-api/src/main.js',
      'dist/apps/app-api/apps/app-api/src/main.js',
      'dist/apps/worker/apps/worker/src/main.js',
      'dist/apps/control-api/apps/control-api/src/auth/common-passwords.txt',
      'prisma/tenant/migrations/migration_lock.toml',
      'node_modules/@prisma/schema-engine-wasm/package.json',
      'node_modules/@nestjs/core/package.json',
    ]) {
      expect({ entry, present: existsSync(join(out, entry)) }).toEqual({ entry, present: true });
    }
    const devDependencies = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
        .devDependencies,
    );
    expect(devDependencies.filter((name) => existsSync(join(out, 'node_modules', name)))).toEqual([]);
    // Test files never ship.
    expect(existsSync(join(out, 'dist/apps/control-api/libs/migrations/src/migrator.int-spec.js'))).toBe(false);
  });

  it('starts control-api from the release alone in production, live while its database is unreachable', async () => {
    expect(existsSync(join(out, 'dist/apps/control-api/apps/control-api/src/main.js'))).toBe(true);
    const port = await freePort();
    api = spawn(process.execPath, ['dist/apps/control-api/apps/control-api/src/main.js'], {
      cwd: out,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        CONTROL_PORT: String(port),
        LOG_FORMAT: 'json',
        // Nothing answers there: the release must still start, live and not ready.
        CONTROL_DATABASE_URL: 'postgresql://helpdeskly@127.0.0.1:9/helpdeskly_control',
        DATABASE_URL: 'postgresql://helpdeskly@127.0.0.1:9/postgres',
        REDIS_URL: 'redis://127.0.0.1:9',
        PGBOUNCER_HOST: '127.0.0.1',
        PGBOUNCER_PORT: '9',
        JWT_SECRET: 'release-check-jwt-secret-0123456789abcdef',
        DB_ENCRYPTION_KEY: 'release-check-encryption-key-0123456789ab',
        TENANT_GATEWAY_PASSWORD: 'release-check-gateway-password-0123456789',
        RUN_WORKERS: 'false',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: '9',
        MAIL_FROM: 'release@helpdeskly.test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    api.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      `control-api from the release on ${port}`,
      async () => {
        if (api!.exitCode !== null) throw new Error(`control-api exited ${api!.exitCode}:\n${output}`);
        return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
      },
      30_000,
      200,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n${output}`);
    });

    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
