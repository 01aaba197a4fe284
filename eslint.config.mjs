// ESLint (flat config): typescript-eslint's recommended rules plus the rules that hold the
// architecture (scripts/lint/architecture.mjs, docs/architecture.md). Formatting is Prettier's.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import architecture from './scripts/lint/architecture.mjs';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.dev/',
      'coverage/',
      'libs/database/src/generated/',
      'libs/sdk/src/generated/',
      'apps/web/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { 'import-x': importX, architecture },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'architecture/rooms': 'error',
      'architecture/database-access': 'error',
      // `_name` marks what is left out on purpose (a destructured field dropped, an unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Flags values read in a `finally` or after a `catch` as unused.
      'no-useless-assignment': 'off',
    },
  },
  {
    // Tests and their fixtures read parsed JSON and YAML whose shape the assertions check.
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.load-spec.ts',
      '**/*.fault-spec.ts',
      '**/testing/**',
      'scripts/ops/**',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
