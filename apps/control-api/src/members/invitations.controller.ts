import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type AuthContext, CurrentAuth, Public, Roles } from '@helpdeskly/auth';
import { RateLimit } from '@helpdeskly/rate-limit';
import { Client } from '../auth/client-info.decorator';
import type { ClientInfo } from '../auth/sessions/refresh-tokens.service';
import {
  AcceptedInvitationDto,
  AcceptInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  InvitationListDto,
  InvitationParamsDto,
} from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

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
  @ApiForbiddenResponse({ description: '`role_not_allowed`, `insufficient_role`' })
  @ApiConflictResponse({ description: '`already_member`' })
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
  @ApiNotFoundResponse({ description: '`invitation_not_found`' })
  @ApiConflictResponse({ description: '`invitation_already_accepted`' })
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
  @ApiUnauthorizedResponse({ description: '`invitation_login_required`, `invalid_token`' })
  @ApiForbiddenResponse({ description: '`invitation_email_mismatch`' })
  @ApiNotFoundResponse({ description: '`invitation_not_found`' })
  @ApiConflictResponse({ description: '`invitation_already_accepted`, `already_member`, `tenant_unavailable`' })
  @ApiGoneResponse({ description: '`invitation_expired`, `invitation_revoked`' })
  @ApiUnprocessableEntityResponse({ description: '`account_details_required`, `weak_password`' })
  accept(
    @Body() dto: AcceptInvitationDto,
    @Headers('authorization') authorization: string | undefined,
    @Client() client: ClientInfo,
  ): Promise<AcceptedInvitationDto> {
    return this.invitations.accept(dto, authorization, client);
  }
}
