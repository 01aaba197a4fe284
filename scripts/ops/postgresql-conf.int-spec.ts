// deploy/postgres/postgresql.conf, the config file both compose files start PostgreSQL with
// (`postgres -c config_file=...`), on a throwaway PostgreSQL 15 cluster (initdb in a temp dir, its
// own port): the server starts with it, reads every line without an error, and uses its values.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { parse } from 'yaml';
import { PostgresCluster, ownedByPostgres } from '@helpdeskly/testing';

const ROOT = join(__dirname, '../..');
const CONFIG = join(ROOT, 'deploy/postgres/postgresql.conf');

/** `name = value` lines of the file, quotes removed. */
function settingsOf(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  return new Map(
    lines
      .map((line) => line.split(/\s*=\s*/, 2) as [string, string])
      .map(([name, value]) => [name, value.replace(/^'|'$/g, '')]),
  );
}

describe('deploy/postgres/postgresql.conf', () => {
  const dir = ownedByPostgres(mkdtempSync(join(tmpdir(), 'helpdeskly-pgconf-')));
  const config = join(dir, 'postgresql.conf');
  let cluster: PostgresCluster;
  let client: Client;

  before(async () => {
    // Outside the data directory, as in the containers (/etc/postgresql/postgresql.conf). Only the
    // address and port differ from the containers' (command-line options win over the file).
    copyFileSync(CONFIG, config);
    cluster = await PostgresCluster.start({ configFile: config, unsafeFast: false });
    expect(cluster.log()).not.toMatch(/ERROR|FATAL|LOG: {2}.*invalid/);
    client = new Client({ connectionString: cluster.url() });
    await client.connect();
  });

  after(async () => {
    await client?.end();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the file both compose files mount and start PostgreSQL with', () => {
    for (const file of ['deploy/compose/docker-compose.yml', 'deploy/compose/docker-compose.prod.yml']) {
      const postgres = parse(readFileSync(join(ROOT, file), 'utf8')).services.postgres;
      expect(postgres.command).toEqual(['postgres', '-c', 'config_file=/etc/postgresql/postgresql.conf']);
      expect(postgres.volumes).toContain('../postgres/postgresql.conf:/etc/postgresql/postgresql.conf:ro');
    }
  });

  it('is read by PostgreSQL 15 without an error on any line but the two the test overrides', async () => {
    // The address and port given on the command line take precedence over the file's.
    const { rows } = await client.query(
      'SELECT name, error FROM pg_file_settings WHERE error IS NOT NULL ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'listen_addresses', error: 'setting could not be applied' },
      { name: 'port', error: 'setting could not be applied' },
    ]);
    const { rows: files } = await client.query('SELECT DISTINCT sourcefile FROM pg_file_settings');
    expect(files).toEqual([{ sourcefile: config }]);
  });

  it('sets the tuned values, with the units written in the file', async () => {
    const settings = settingsOf(CONFIG);
    expect([...settings.keys()]).toEqual(
      expect.arrayContaining([
        'shared_buffers',
        'effective_cache_size',
        'maintenance_work_mem',
        'checkpoint_completion_target',
        'wal_buffers',
        'random_page_cost',
        'effective_io_concurrency',
        'max_connections',
        'password_encryption',
      ]),
    );
    const shown: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const [name, value] of settings) {
      if (name === 'port' || name === 'listen_addresses') continue;
      shown[name] = (await client.query('SELECT current_setting($1) AS value', [name])).rows[0].value;
      expected[name] = value;
    }
    expect(shown).toEqual(expected);
  });
});
