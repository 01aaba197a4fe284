import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';

describe('libs/sdk', () => {
  it('imports nothing a browser bundle lacks (Node built-ins, NestJS, other libs)', () => {
    const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !/\.(spec|e2e-spec|int-spec)\.ts$/.test(file),
    );
    expect(files).toContain('helpdeskly-client.ts');
    const imports = files.flatMap((file) =>
      [...readFileSync(join(__dirname, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(imports.filter((line) => !/: (\.\/|openapi-fetch$)/.test(line))).toEqual([]);
  });
});
