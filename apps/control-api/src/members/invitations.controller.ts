import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, AuthErrorCode, CurrentAuth, Public, Roles } from '@helpdeskly/auth';
import { RateLimit } from '@helpdeskly/rate-limit';
import { AuthenticationErrorCode } from '../auth/auth.errors';
import { Client, type ClientInfo } from '../common/client-info';
import {
  AcceptedInvitationDto,
  AcceptInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  InvitationListDto,
  InvitationParamsDto,
} from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';
import { MembersErrorCode, MembersException } from './members.errors';

@ApiTags('members')
@Controller('invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Roles('OWNER', 'ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Invite someone by email',
    description:
      'Emails a one-time link valid INVITATION_TTL_HOURS; a newer invitation of the same email replaces a pending one. An ADMIN cannot invite an OWNER.',
  })
  @ApiCreatedResponse({ type: InvitationDto })
  @ApiProblems(MembersErrorCode.RoleNotAllowed, AuthErrorCode.InsufficientRole, MembersErrorCode.AlreadyMember)
  invite(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: CreateInvitationDto,
    @Client() client: ClientInfo,
  ): Promise<InvitationDto> {
    return this.invitations.invite(auth, dto, client);
  }

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Pending invitations of the token's tenant" })
  @ApiOkResponse({ type: InvitationListDto })
  list(@CurrentAuth() auth: AuthContext): Promise<InvitationListDto> {
    return this.invitations.listPending(auth);
  }

  @Delete(':id')
  @Roles('OWNER', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke a pending invitation' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiProblems(MembersErrorCode.InvitationNotFound, MembersErrorCode.InvitationAlreadyAccepted)
  revoke(
    @CurrentAuth() auth: AuthContext,
    @Param() params: InvitationParamsDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.invitations.revoke(auth, params.id, client);
  }

  @Public()
  @Post('accept')
  @RateLimit('auth', { account: { body: 'token' } })
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Accept an invitation',
    description:
      "For an email without an account, send name and password: the account is created with the membership. For an email that has an account, send that user's access token (of any tenant) as Authorization: Bearer; then log in or switch tenant to get tokens for this one.",
  })
  @ApiOkResponse({ type: AcceptedInvitationDto })
  @ApiProblems(
    MembersErrorCode.InvitationLoginRequired,
    AuthErrorCode.InvalidToken,
    MembersErrorCode.InvitationEmailMismatch,
    MembersErrorCode.InvitationNotFound,
    MembersErrorCode.InvitationAlreadyAccepted,
    MembersErrorCode.AlreadyMember,
    MembersException.problems.TenantUnavailable,
    MembersErrorCode.InvitationExpired,
    MembersErrorCode.InvitationRevoked,
    MembersErrorCode.AccountDetailsRequired,
    AuthenticationErrorCode.WeakPassword,
  )
  accept(
    @Body() dto: AcceptInvitationDto,
    @Headers('authorization') authorization: string | undefined,
    @Client() client: ClientInfo,
  ): Promise<AcceptedInvitationDto> {
    return this.invitations.accept(dto, authorization, client);
  }
}
