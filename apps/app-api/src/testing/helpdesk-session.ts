import type { MembershipRole } from '@helpdeskly/database';
import { AppFixture, type FixtureMember } from './app-fixture';

/**
 * What a feature's end-to-end spec starts from: app-api, a tenant with its OWNER and the members
 * asked for, each with an access token, and the OWNER of another tenant, whose data the first
 * must never reach.
 */
export type HelpdeskSession<Name extends string> = {
  readonly fx: AppFixture;
  readonly owner: FixtureMember;
  readonly other: FixtureMember;
} & { readonly [N in Name]: FixtureMember };

/**
 * Starts app-api (`env` over the test configuration), then makes the tenant, its members in the
 * order given (`{ agent: MembershipRole.AGENT }` answers `agent`) and the other tenant. Stops
 * app-api again when one of them cannot be made, so the spec's `after` has nothing to close.
 */
export async function startHelpdeskSession<Name extends string>(
  members: Record<Name, MembershipRole>,
  env: Record<string, string> = {},
): Promise<HelpdeskSession<Name>> {
  const fx = await AppFixture.start(env);
  try {
    const owner = await fx.createTenantWithOwner();
    const named = {} as Record<Name, FixtureMember>;
    for (const [name, role] of Object.entries(members) as Array<[Name, MembershipRole]>)
      named[name] = await fx.addMember(owner.tenant, role);
    const other = await fx.createTenantWithOwner();
    return { ...named, fx, owner, other };
  } catch (error) {
    await fx.close();
    throw error;
  }
}
