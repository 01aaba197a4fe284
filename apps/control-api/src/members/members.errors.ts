import { DomainException, type FieldError } from '@helpdeskly/errors';

export enum MembersErrorCode {
  NotAMember = 'not_a_member',
  MemberNotFound = 'member_not_found',
  AlreadyMember = 'already_member',
  RoleNotAllowed = 'role_not_allowed',
  LastOwner = 'last_owner',
  InvitationNotFound = 'invitation_not_found',
  InvitationAlreadyAccepted = 'invitation_already_accepted',
  InvitationRevoked = 'invitation_revoked',
  InvitationExpired = 'invitation_expired',
  InvitationLoginRequired = 'invitation_login_required',
  InvitationEmailMismatch = 'invitation_email_mismatch',
  AccountDetailsRequired = 'account_details_required',
  EmailRegisteredMeanwhile = 'email_registered_meanwhile',
  TenantUnavailable = 'tenant_unavailable',
}

const MEMBERS_ERRORS: Readonly<Record<MembersErrorCode, { status: number; title: string }>> = {
  [MembersErrorCode.NotAMember]: { status: 403, title: 'Not a member of this tenant' },
  [MembersErrorCode.MemberNotFound]: { status: 404, title: 'Member not found' },
  [MembersErrorCode.AlreadyMember]: { status: 409, title: 'Already a member' },
  [MembersErrorCode.RoleNotAllowed]: { status: 403, title: 'Role change not allowed' },
  [MembersErrorCode.LastOwner]: { status: 409, title: 'The last owner cannot leave, be removed or be demoted' },
  [MembersErrorCode.InvitationNotFound]: { status: 404, title: 'Invitation not found' },
  [MembersErrorCode.InvitationAlreadyAccepted]: { status: 409, title: 'Invitation already accepted' },
  [MembersErrorCode.InvitationRevoked]: { status: 410, title: 'Invitation revoked' },
  [MembersErrorCode.InvitationExpired]: { status: 410, title: 'Invitation expired' },
  [MembersErrorCode.InvitationLoginRequired]: { status: 401, title: 'Log in to accept this invitation' },
  [MembersErrorCode.InvitationEmailMismatch]: { status: 403, title: 'The invitation is for another email' },
  [MembersErrorCode.AccountDetailsRequired]: { status: 422, title: 'Name and password required' },
  [MembersErrorCode.EmailRegisteredMeanwhile]: {
    status: 409,
    title: 'An account with this email was created meanwhile',
  },
  [MembersErrorCode.TenantUnavailable]: { status: 409, title: 'Tenant unavailable' },
};

/** Errors of members and invitations, rendered as problem details by the global filter. */
export class MembersException extends DomainException<MembersErrorCode> {
  constructor(
    readonly code: MembersErrorCode,
    detail?: string,
    extra: { errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(MEMBERS_ERRORS, code, detail, extra);
  }
}
