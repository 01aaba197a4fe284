import { describe, it } from 'node:test';
import { join } from 'node:path';
import { expect } from 'expect';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import architecture, { forbiddenImport, roomOf } from './architecture.mjs';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const root = join(__dirname, '..', '..');
const at = (path: string) => join(root, path);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

describe('architecture lint rules', () => {
  it('names the room of a path', () => {
    expect(roomOf(at('apps/app-api/src/tickets/tickets.service.ts'))).toBe('apps/app-api');
    expect(roomOf(at('libs/errors/src/index.ts'))).toBe('libs/errors');
    expect(roomOf(at('scripts/seed.ts'))).toBe('scripts');
    expect(forbiddenImport('libs/errors', 'libs/errors')).toBeUndefined();
  });

  tester.run('rooms', architecture.rules.rooms, {
    valid: [
      { filename: at('apps/app-api/src/tickets/tickets.service.ts'), code: "import { x } from '@helpdeskly/errors';" },
      {
        filename: at('apps/app-api/src/tickets/tickets.service.ts'),
        code: "import { x } from '../tenancy/tenant-context';",
      },
      { filename: at('libs/mail/src/email.processor.ts'), code: "import { x } from '@helpdeskly/queues';" },
      {
        filename: at('apps/app-api/src/tickets/tickets.e2e-spec.ts'),
        code: "import { ControlFixture } from '../../../control-api/src/testing/control-fixture';",
      },
      { filename: at('scripts/seed.ts'), code: "import { x } from '../apps/app-api/src/app-api.module';" },
    ],
    invalid: [
      {
        filename: at('apps/app-api/src/tickets/tickets.service.ts'),
        code: "import { TenantsService } from '../../../control-api/src/tenants/tenants.service';",
        errors: [{ message: /an app never imports another app/ }],
      },
      {
        filename: at('apps/app-api/src/tickets/tickets.e2e-spec.ts'),
        code: "import { TenantsService } from '../../../control-api/src/tenants/tenants.service';",
        errors: [{ message: /only through them/ }],
      },
      {
        filename: at('libs/queues/src/queue.spec.ts'),
        code: "export { x } from '../../../apps/control-api/src/testing/control-fixture';",
        errors: [{ message: /libs never import apps/ }],
      },
    ],
  });

  tester.run('database-access', architecture.rules['database-access'], {
    valid: [
      {
        filename: at('apps/app-api/src/tags/tags.repository.ts'),
        code: 'class TagsRepository { constructor(private readonly database: TenantDatabase) {} }',
      },
      {
        filename: at('apps/app-api/src/tags/tags.service.ts'),
        code: 'class TagsService { constructor(private readonly tags: TagsRepository) {} }',
      },
      {
        filename: at('libs/health/src/health.controller.ts'),
        code: 'class HealthController { constructor(private readonly control: ControlDatabase) {} }',
      },
      {
        filename: at('apps/app-api/src/tags/tags.e2e-spec.ts'),
        code: 'class Probe { constructor(readonly control: ControlDatabase) {} }',
      },
    ],
    invalid: [
      {
        filename: at('apps/app-api/src/tags/tags.service.ts'),
        code: 'class TagsService { constructor(private readonly database: TenantDatabase) {} }',
        errors: [{ message: /TenantDatabase is injected only into \*\.repository\.ts files/ }],
      },
      {
        filename: at('apps/control-api/src/members/members.service.ts'),
        code: 'class MembersService { constructor(control: ControlDatabase) {} }',
        errors: [{ message: /ControlDatabase is injected only/ }],
      },
      {
        // The feature libs the apps share follow the apps' layers.
        filename: at('libs/tenants/src/tenants.service.ts'),
        code: 'class TenantsService { constructor(private readonly control: ControlDatabase) {} }',
        errors: [{ message: /ControlDatabase is injected only/ }],
      },
    ],
  });
});
