import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { renderSdkTypes, SDK_TYPES_DIR } from './sdk-types';

describe('libs/sdk/src/generated types', () => {
  it('are what openapi-typescript makes of the committed openapi/*.json (run `pnpm run openapi` after changing them)', async () => {
    const types = await renderSdkTypes();
    expect(Object.keys(types).sort()).toEqual(['app-api.ts', 'control-api.ts']);
    for (const [file, text] of Object.entries(types)) {
      expect(text).toContain('export interface paths');
      expect(readFileSync(join(SDK_TYPES_DIR, file), 'utf8')).toBe(text);
    }
  });
});
