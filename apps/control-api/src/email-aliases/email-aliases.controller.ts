import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, AuthErrorCode, CurrentAuth, Roles } from '@helpdeskly/auth';
import { Client, type ClientInfo } from '../common/client-info';
import { CreateEmailAliasDto, EmailAliasDto, EmailAliasListDto, EmailAliasParamsDto } from './dto/email-alias.dto';
import { EmailAliasesErrorCode } from './email-aliases.errors';
import { EmailAliasesService } from './email-aliases.service';

@ApiTags('email-aliases')
@ApiBearerAuth()
@Controller('email-aliases')
export class EmailAliasesController {
  constructor(private readonly aliases: EmailAliasesService) {}

  @Get()
  @ApiOperation({
    summary: "The token's tenant's hosted addresses",
    description: 'Its own address `<slug>@<INBOUND_DOMAIN>` and its aliases `<slug>.<name>@<INBOUND_DOMAIN>`.',
  })
  @ApiOkResponse({ type: EmailAliasListDto })
  list(@CurrentAuth() auth: AuthContext): Promise<EmailAliasListDto> {
    return this.aliases.list(auth);
  }

  @Post()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'Add an address',
    description:
      'Mail to `<slug>.<name>@<INBOUND_DOMAIN>` reaches the tenant from now on, as mail to its own address does (a mailbox of another domain can forward to it). Audited (email_alias.created).',
  })
  @ApiCreatedResponse({ type: EmailAliasDto })
  @ApiProblems(
    AuthErrorCode.InsufficientRole,
    EmailAliasesErrorCode.Exists,
    EmailAliasesErrorCode.LimitReached,
    EmailAliasesErrorCode.InboundDisabled,
  )
  create(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: CreateEmailAliasDto,
    @Client() client: ClientInfo,
  ): Promise<EmailAliasDto> {
    return this.aliases.create(auth, dto.name, client);
  }

  @Delete(':id')
  @Roles('OWNER', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove an address',
    description:
      'Mail to it is refused (550) from now on; the tickets it opened stay, and replies to them still reach their tickets through the reply address. Audited (email_alias.deleted).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(AuthErrorCode.InsufficientRole, EmailAliasesErrorCode.NotFound)
  delete(
    @CurrentAuth() auth: AuthContext,
    @Param() params: EmailAliasParamsDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.aliases.delete(auth, params.id, client);
  }
}
