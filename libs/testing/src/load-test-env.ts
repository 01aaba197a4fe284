// Test processes read the same variables as the APIs. scripts/test.sh exports .env.test; loading
// it here too lets one spec run on its own (`node scripts/run-tests.mjs e2e libs/http`).
// Variables already set win.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDevGatewayPassword } from '@helpdeskly/config';

const root = join(__dirname, '../../..');
const file = join(root, '.env.test');
if (existsSync(file)) process.loadEnvFile(file);
// The gateway role's password is this machine's (scripts/infra.sh), never committed.
loadDevGatewayPassword(join(root, '.dev/pgbouncer/secrets.env'));
