// From sign-up to the helpdesk: control-api's POST /v1/auth/signup, then app-api with the token it
// gave, while the tenant is being created and once it is ACTIVE. The provisioning job runs in the
// workers embedded in control-api (RUN_WORKERS=true), on a queue prefix of this file's own.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { TenantStatus } from '@helpdeskly/database';
import { waitFor } from '@helpdeskly/testing';
import { type ProvisioningStep, untilTenantActive, uniqueSuffix } from '../../control-api/src/testing/control-fixture';
import { type AppFixture, startAppApi } from './testing/app-fixture';

/** Holds the next provisioning: its first attempt fails, its retry waits until released. */
class HeldProvisioning {
  private attempts = 0;
  release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  async afterStep(step: ProvisioningStep): Promise<void> {
    if (step !== 'role_created') return;
    if (++this.attempts === 1) throw new Error('injected provisioning failure');
    await this.released;
  }
}

describe('sign-up, then app-api (e2e)', () => {
  let fx: AppFixture;
  let held: HeldProvisioning | undefined;

  before(async () => {
    fx = await startAppApi({ RUN_WORKERS: 'true', QUEUE_PREFIX: `signup-app-${uniqueSuffix()}` });
    fx.control.provisioningHooks.afterStep = async (step: ProvisioningStep) => held?.afterStep(step);
  });

  after(async () => {
    held?.release();
    await fx?.close();
  });

  const helpdesk = (token: string) => fx.request('GET', '/v1/helpdesk', { token });

  it('ends with the tenant ACTIVE and its owner served by app-api with the sign-up token', async () => {
    const { answer } = await fx.control.signup();
    expect([201, 202]).toContain(answer.status);
    await untilTenantActive(fx.control.running.baseUrl, answer.body.accessToken);

    const served = await helpdesk(answer.body.accessToken);
    expect(served.status).toBe(200);
    expect(served.body.me).toEqual({ userId: answer.body.user.id, role: 'OWNER' });
  });

  it('answers 503 tenant_provisioning with Retry-After while the tenant is being created, then serves it', async () => {
    held = new HeldProvisioning();
    const { answer } = await fx.control.signup();
    expect(answer.status).toBe(202);
    expect([TenantStatus.FAILED, TenantStatus.PROVISIONING]).toContain(answer.body.tenant.status);

    const early = await helpdesk(answer.body.accessToken);
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ code: 'tenant_provisioning' });
    expect(early.headers.get('retry-after')).toBe('2');

    held.release();
    await untilTenantActive(fx.control.running.baseUrl, answer.body.accessToken);
    await waitFor(
      'app-api to serve the ACTIVE tenant',
      async () => (await helpdesk(answer.body.accessToken)).status === 200,
    );
    expect((await helpdesk(answer.body.accessToken)).body.me.role).toBe('OWNER');
  });
});
