// ESLint rules that hold the architecture (docs/architecture.md), as a local plugin:
//   rooms          — no app imports another app; libs never import apps; scripts and bench may use both.
//   database-access — only `*.repository.ts` files inject ControlDatabase or TenantDatabase.
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
const DATABASES = new Set(['ControlDatabase', 'TenantDatabase']);

/** The room of a path in the repository: `apps/<name>`, `libs/<name>`, or its top folder. */
export function roomOf(file) {
  const parts = relative(ROOT, file).split(sep);
  if (parts[0] === 'apps' || parts[0] === 'libs') return parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0];
  return parts[0];
}

function imported(source, file) {
  if (source.startsWith('@helpdeskly/'))
    return { room: `libs/${source.slice('@helpdeskly/'.length).split('/')[0]}`, target: '' };
  if (!source.startsWith('.')) return undefined; // a package
  const target = resolve(dirname(file), source);
  return { room: roomOf(target), target };
}

/** Test code: specs and the fixtures under a `testing/` folder. */
export function isTestCode(file) {
  return /\.(spec|int-spec|e2e-spec|load-spec|fault-spec)\.ts$/.test(file) || file.split(sep).includes('testing');
}

/**
 * Why `from` may not import `to`, or undefined when it may. `target` is the imported file. An app's
 * test code may use another app's fixtures (`src/testing/`): an end-to-end test of app-api needs a
 * tenant and a token from control-api, and gets them as a client would, through that fixture.
 */
export function forbiddenImport(from, to, { testCode = false, target = '' } = {}) {
  if (!to || from === to) return undefined;
  if (from.startsWith('apps/') && to.startsWith('apps/')) {
    if (testCode && target.split(sep).includes('testing')) return undefined;
    return testCode
      ? `${from} imports ${to} outside its testing/ fixtures: a test reaches another app only through them.`
      : `${from} imports ${to}: an app never imports another app; move what both need into libs/.`;
  }
  if (from.startsWith('libs/') && to.startsWith('apps/'))
    return `${from} imports ${to}: libs never import apps (their tests use the fixtures of libs/testing).`;
  return undefined;
}

const rooms = {
  meta: { type: 'problem', docs: { description: 'Imports respect the rooms of the repository' }, schema: [] },
  create(context) {
    const file = context.filename;
    const from = roomOf(file);
    const testCode = isTestCode(file);
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      const to = imported(source, file);
      const reason = to && forbiddenImport(from, to.room, { testCode, target: to.target });
      if (reason) context.report({ node: node.source, message: reason });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

function typeName(parameter) {
  const target = parameter.type === 'TSParameterProperty' ? parameter.parameter : parameter;
  const annotation = target?.typeAnnotation?.typeAnnotation;
  if (annotation?.type !== 'TSTypeReference') return undefined;
  return annotation.typeName.type === 'Identifier' ? annotation.typeName.name : annotation.typeName.right?.name;
}

/** Libs that hold features (services over repositories) rather than infrastructure. */
const FEATURE_LIBS = new Set(['libs/tenants', 'libs/audit', 'libs/jobs']);

const databaseAccess = {
  meta: {
    type: 'problem',
    docs: { description: 'Only repositories inject ControlDatabase or TenantDatabase' },
    schema: [],
  },
  create(context) {
    // App code and the feature libs the apps share (tenants, audit, jobs); the other libs define
    // the databases and probe them (health), and tests set them up.
    const file = context.filename;
    const room = roomOf(file);
    if (!(room.startsWith('apps/') || FEATURE_LIBS.has(room)) || isTestCode(file) || /\.repository\.ts$/.test(file))
      return {};
    return {
      'MethodDefinition[kind="constructor"]'(node) {
        for (const parameter of node.value.params) {
          const name = typeName(parameter);
          if (name && DATABASES.has(name))
            context.report({
              node: parameter,
              message: `${name} is injected only into *.repository.ts files: move this database access into a repository.`,
            });
        }
      },
    };
  },
};

export default { meta: { name: 'helpdeskly-architecture' }, rules: { rooms, 'database-access': databaseAccess } };
