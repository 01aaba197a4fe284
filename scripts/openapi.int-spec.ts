import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { OPENAPI_DIR, renderOpenApiDocuments } from './openapi';

describe('openapi/ documents', () => {
  it('match what the APIs serve (run `pnpm run openapi` after changing a route or DTO)', async () => {
    const documents = await renderOpenApiDocuments();
    expect(Object.keys(documents).sort()).toEqual(['app-api.json', 'control-api.json']);
    for (const [file, text] of Object.entries(documents)) {
      expect(JSON.parse(text).paths['/health/ready']).toBeDefined();
      expect(readFileSync(join(OPENAPI_DIR, file), 'utf8')).toBe(text);
    }
  });
});
