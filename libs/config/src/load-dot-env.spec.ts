import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { expect } from 'expect';
import { loadDotEnv } from './load-config';

describe(loadDotEnv.name, () => {
  let dir: string;
  // process.env itself is kept: a plain object in its place would not see what loadEnvFile sets.
  const nodeEnv = process.env.NODE_ENV;
  const VAR = 'HELPDESKLY_LOAD_DOT_ENV_SPEC';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-dotenv-'));
    await writeFile(join(dir, '.env'), `${VAR}=from-dot-env\n`);
    await writeFile(join(dir, '.env.example'), `${VAR}=from-example\n`);
    delete process.env[VAR];
  });
  afterEach(async () => {
    process.env.NODE_ENV = nodeEnv;
    delete process.env[VAR];
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a developer's .env in development, without overriding what is set", () => {
    process.env.NODE_ENV = 'development';
    loadDotEnv(join(dir, '.env'));
    expect(process.env[VAR]).toBe('from-dot-env');
    process.env[VAR] = 'set-before';
    loadDotEnv(join(dir, '.env.example'));
    expect(process.env[VAR]).toBe('set-before');
  });

  it('never reads a .env under NODE_ENV=test, yet reads other files such as .env.example', () => {
    process.env.NODE_ENV = 'test';
    loadDotEnv(join(dir, '.env'));
    expect(process.env[VAR]).toBeUndefined();
    loadDotEnv(join(dir, '.env.example'));
    expect(process.env[VAR]).toBe('from-example');
  });

  it('reads nothing in production', () => {
    process.env.NODE_ENV = 'production';
    loadDotEnv(join(dir, '.env'));
    loadDotEnv(join(dir, '.env.example'));
    expect(process.env[VAR]).toBeUndefined();
  });
});
