// Writes the OpenAPI document of each API to openapi/<api>.json, from the apps' real modules, and
// the SDK's types of each to libs/sdk/src/generated/<api>.ts (scripts/sdk-types.ts).
//   pnpm run openapi            write the files
//   pnpm run openapi -- --check exit 1 when a committed file is out of date
import 'reflect-metadata';
import { join } from 'node:path';
import { AppApiModule } from '../apps/app-api/src/app-api.module';
import { APP_API } from '../apps/app-api/src/app-api';
import { ControlApiModule } from '../apps/control-api/src/control-api.module';
import { CONTROL_API } from '../apps/control-api/src/control-api';
import { type AppConfig, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { type ApiDescription, buildOpenApiDocument, createApp } from '@helpdeskly/http';
import { createLogger } from '@helpdeskly/logging';
import type { DynamicModule } from '@nestjs/common';
import { renderSdkTypes, writeGeneratedFiles, writeSdkTypes } from './sdk-types';

const ROOT = join(__dirname, '..');
export const OPENAPI_DIR = join(ROOT, 'openapi');
const APIS: Array<[ApiDescription, (config: AppConfig) => DynamicModule]> = [
  [CONTROL_API, (config) => ControlApiModule.forRoot(config)],
  [APP_API, (config) => AppApiModule.forRoot(config)],
];

/** The documents as the running APIs serve them at /docs/openapi.json, keyed by file name. */
export async function renderOpenApiDocuments(): Promise<Record<string, string>> {
  loadDotEnv(join(ROOT, '.env'));
  loadDotEnv(join(ROOT, '.env.example')); // fills what .env lacks; nothing connects here
  // Nor listens: app.init() would start app-api's inbound SMTP server on .env.example's port,
  // and with RUN_WORKERS=true control-api's fetching of IMAP mailboxes.
  process.env.INBOUND_SMTP_PORT = '';
  process.env.INBOUND_DELIVERY_URL = '';
  const config = loadConfig();
  const out: Record<string, string> = {};
  for (const [api, moduleFor] of APIS) {
    const app = await createApp(moduleFor(config), {
      config,
      api,
      logger: createLogger({ name: api.name, level: 'silent', pretty: false }),
    });
    await app.init();
    out[`${api.name}.json`] = `${JSON.stringify(buildOpenApiDocument(app, api, '1'), null, 2)}\n`;
    await app.close();
  }
  return out;
}

async function main() {
  const check = process.argv.includes('--check');
  const documents = await renderOpenApiDocuments();
  let stale = writeGeneratedFiles(OPENAPI_DIR, 'openapi', documents, check);
  stale += writeSdkTypes(await renderSdkTypes(documents), check);
  process.exit(stale > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
