// Integration and e2e specs read the same variables as the APIs; scripts/test.sh exports them
// (see .env.test). Loading the file here lets a single spec run with plain `jest`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const file = join(__dirname, '../../../.env.test');
if (existsSync(file)) process.loadEnvFile(file);
