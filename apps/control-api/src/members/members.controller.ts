import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, AuthErrorCode, CurrentAuth, Roles } from '@helpdeskly/auth';
import { Client, type ClientInfo } from '../common/client-info';
import { ChangeRoleDto, MemberDto, MemberListDto, MemberParamsDto } from './dto/member.dto';
import { MembersErrorCode } from './members.errors';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: "Members of the token's tenant" })
  @ApiOkResponse({ type: MemberListDto })
  list(@CurrentAuth() auth: AuthContext): Promise<MemberListDto> {
    return this.members.list(auth);
  }

  @Patch(':userId')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: "Change a member's role",
    description:
      'An OWNER sets any role; an ADMIN only switches between AGENT and ADMIN. The last OWNER cannot be demoted.',
  })
  @ApiOkResponse({ type: MemberDto })
  @ApiProblems(
    MembersErrorCode.RoleNotAllowed,
    AuthErrorCode.InsufficientRole,
    MembersErrorCode.MemberNotFound,
    MembersErrorCode.LastOwner,
  )
  changeRole(
    @CurrentAuth() auth: AuthContext,
    @Param() params: MemberParamsDto,
    @Body() dto: ChangeRoleDto,
    @Client() client: ClientInfo,
  ): Promise<MemberDto> {
    return this.members.changeRole(auth, params.userId, dto.role, client);
  }

  @Delete(':userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a member, or leave',
    description:
      'An OWNER removes anyone, an ADMIN anyone but an OWNER; every member may remove themselves. Their refresh tokens for this tenant are revoked. The last OWNER cannot leave.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(MembersErrorCode.RoleNotAllowed, MembersErrorCode.MemberNotFound, MembersErrorCode.LastOwner)
  remove(
    @CurrentAuth() auth: AuthContext,
    @Param() params: MemberParamsDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.members.remove(auth, params.userId, client);
  }
}
