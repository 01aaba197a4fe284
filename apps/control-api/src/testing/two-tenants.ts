import { MembershipRole, type Tenant } from '@helpdeskly/database';
import type { ControlFixture, FixtureMember } from './control-fixture';

/** Two tenants: A with an OWNER and an AGENT, B with an OWNER. */
export interface TwoTenants {
  readonly tenantA: Tenant;
  readonly tenantB: Tenant;
  readonly ownerA: FixtureMember;
  readonly agentA: FixtureMember;
  readonly ownerB: FixtureMember;
}

/** What a test of who sees what needs: members of two roles in one tenant, and an owner of another. */
export async function twoTenants(fx: ControlFixture): Promise<TwoTenants> {
  const [tenantA, tenantB] = await Promise.all([fx.createTenant(), fx.createTenant()]);
  const [ownerA, agentA, ownerB] = await Promise.all([
    fx.member(tenantA, MembershipRole.OWNER),
    fx.member(tenantA, MembershipRole.AGENT),
    fx.member(tenantB, MembershipRole.OWNER),
  ]);
  return { tenantA, tenantB, ownerA, agentA, ownerB };
}
