import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
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
import {
  CreateMailChannelDto,
  MailChannelDto,
  MailChannelListDto,
  MailChannelParamsDto,
  UpdateMailChannelDto,
} from './dto/mail-channel.dto';
import { MailChannelsErrorCode } from './mail-channels.errors';
import { MailChannelsService } from './mail-channels.service';

@ApiTags('mail-channels')
@ApiBearerAuth()
@Controller('mail-channels')
export class MailChannelsController {
  constructor(private readonly channels: MailChannelsService) {}

  @Post()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'Connect an existing mailbox over IMAP',
    description:
      "Logs in and opens the mailbox once first; the worker then fetches the mail that arrives from then on (all of it with importExisting) with IMAP IDLE, and each message becomes mail to the tenant's address. Audited (mail_channel.created).",
  })
  @ApiCreatedResponse({ type: MailChannelDto })
  @ApiProblems(
    AuthErrorCode.InsufficientRole,
    MailChannelsErrorCode.LoginFailed,
    MailChannelsErrorCode.Unreachable,
    MailChannelsErrorCode.MailboxNotFound,
    MailChannelsErrorCode.AlreadyConnected,
  )
  create(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: CreateMailChannelDto,
    @Client() client: ClientInfo,
  ): Promise<MailChannelDto> {
    return this.channels.create(auth, dto, client);
  }

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({ summary: "The token's tenant's mail channels, with their status and last error (never a password)" })
  @ApiOkResponse({ type: MailChannelListDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  list(@CurrentAuth() auth: AuthContext): Promise<MailChannelListDto> {
    return this.channels.list(auth);
  }

  @Get(':id')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({ summary: 'One mail channel' })
  @ApiOkResponse({ type: MailChannelDto })
  @ApiProblems(AuthErrorCode.InsufficientRole, MailChannelsErrorCode.NotFound)
  get(@CurrentAuth() auth: AuthContext, @Param() params: MailChannelParamsDto): Promise<MailChannelDto> {
    return this.channels.get(auth, params.id);
  }

  @Patch(':id')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'Change a mail channel, or pause and resume it',
    description:
      'Fields left out are kept; at least one is required. New connection settings (host, port, tls, username, password, mailbox) are tried first, as at creation, and nothing is saved when they fail; another mailbox is fetched from its next message on, not its history. active: false pauses the channel (DISABLED), true resumes it (ACTIVE, lastError cleared). The worker uses the new settings within seconds. Audited (mail_channel.updated, with the names of the fields changed).',
  })
  @ApiOkResponse({ type: MailChannelDto })
  @ApiProblems(
    AuthErrorCode.InsufficientRole,
    MailChannelsErrorCode.NotFound,
    MailChannelsErrorCode.LoginFailed,
    MailChannelsErrorCode.Unreachable,
    MailChannelsErrorCode.MailboxNotFound,
    MailChannelsErrorCode.AlreadyConnected,
  )
  update(
    @CurrentAuth() auth: AuthContext,
    @Param() params: MailChannelParamsDto,
    @Body() dto: UpdateMailChannelDto,
    @Client() client: ClientInfo,
  ): Promise<MailChannelDto> {
    return this.channels.update(auth, params.id, dto, client);
  }

  @Delete(':id')
  @Roles('OWNER', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Disconnect a mailbox',
    description: 'The worker stops fetching it within seconds. Audited (mail_channel.deleted).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(AuthErrorCode.InsufficientRole, MailChannelsErrorCode.NotFound)
  delete(
    @CurrentAuth() auth: AuthContext,
    @Param() params: MailChannelParamsDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.channels.delete(auth, params.id, client);
  }
}
