// Three tiers (STYLE.md): unit specs next to the code (*.spec.ts, no I/O), integration specs
// against the machine's real PostgreSQL, PgBouncer and Redis (*.int-spec.ts), and end-to-end
// specs over HTTP against a running Nest app (*.e2e-spec.ts).
const swc = {
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@helpdeskly/(.*)$': '<rootDir>/libs/$1/src' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.int-spec.ts'], setupFiles: ['<rootDir>/libs/testing/src/load-test-env.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.e2e-spec.ts'], setupFiles: ['<rootDir>/libs/testing/src/load-test-env.ts'] },
  ],
};
