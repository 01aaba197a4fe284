import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const members = defineErrors('members', {
  NotAMember: { code: 'not_a_member', status: 403, title: 'Not a member of this tenant' },
  MemberNotFound: { code: 'member_not_found', status: 404, title: 'Member not found' },
  AlreadyMember: { code: 'already_member', status: 409, title: 'Already a member' },
  RoleNotAllowed: { code: 'role_not_allowed', status: 403, title: 'Role change not allowed' },
  LastOwner: { code: 'last_owner', status: 409, title: 'The last owner cannot leave, be removed or be demoted' },
  InvitationNotFound: { code: 'invitation_not_found', status: 404, title: 'Invitation not found' },
  InvitationAlreadyAccepted: { code: 'invitation_already_accepted', status: 409, title: 'Invitation already accepted' },
  InvitationRevoked: { code: 'invitation_revoked', status: 410, title: 'Invitation revoked' },
  InvitationExpired: { code: 'invitation_expired', status: 410, title: 'Invitation expired' },
  InvitationLoginRequired: {
    code: 'invitation_login_required',
    status: 401,
    title: 'Log in to accept this invitation',
  },
  InvitationEmailMismatch: {
    code: 'invitation_email_mismatch',
    status: 403,
    title: 'The invitation is for another email',
  },
  AccountDetailsRequired: { code: 'account_details_required', status: 422, title: 'Name and password required' },
  EmailRegisteredMeanwhile: {
    code: 'email_registered_meanwhile',
    status: 409,
    title: 'An account with this email was created meanwhile',
  },
  TenantUnavailable: { code: 'tenant_unavailable', status: 409, title: 'Tenant unavailable' },
});

export const MembersErrorCode = members.codes;
export type MembersErrorCode = CodeOf<typeof MembersErrorCode>;

/** Errors of members and invitations, rendered as problem details by the global filter. */
export class MembersException extends members.Exception {}
