import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { Trim } from '@helpdeskly/http';
import { MAIL_CHANNEL_TLS_MODES, type MailChannelTls } from '@helpdeskly/jobs';

/** A host name or an IP address: no spaces, slashes, colons (but IPv6's) or control characters. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[?[0-9A-Fa-f:.]{2,45}\]?)$/;
/** A mailbox name: printable, no control characters (IMAP quotes the rest). */
const MAILBOX = /^[^\p{Cc}]+$/u;

export class CreateMailChannelDto {
  @ApiProperty({ example: 'imap.their-company.com', description: 'Host name or IP address of the IMAP server' })
  @Trim()
  @IsString()
  @Length(1, 253)
  @Matches(HOST, { message: 'host must be a host name or an IP address' })
  host: string;

  @ApiProperty({ example: 993, minimum: 1, maximum: 65535 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @ApiProperty({
    enum: MAIL_CHANNEL_TLS_MODES,
    description: 'implicit: TLS from the first byte (993); starttls: must upgrade (143); none: cleartext',
  })
  @IsIn(MAIL_CHANNEL_TLS_MODES)
  tls: MailChannelTls;

  @ApiProperty({ example: 'support@their-company.com' })
  @IsString()
  @Length(1, 320)
  @Matches(MAILBOX, { message: 'username must not contain control characters' })
  username: string;

  @ApiProperty({ writeOnly: true, description: 'Stored encrypted; never returned' })
  @IsString()
  @Length(1, 1024)
  @Matches(MAILBOX, { message: 'password must not contain control characters' })
  password: string;

  @ApiPropertyOptional({ default: 'INBOX', description: 'The mailbox (folder) fetched' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(MAILBOX, { message: 'mailbox must not contain control characters' })
  mailbox?: string;

  @ApiPropertyOptional({
    default: 'seen',
    description:
      "What is done with a message once delivered: 'seen' flags it \\Seen; any other value is the folder it is moved to",
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(MAILBOX, { message: 'afterFetch must not contain control characters' })
  afterFetch?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'true: the messages already in the mailbox become tickets too; false: only mail that arrives from now on',
  })
  @IsOptional()
  @IsBoolean()
  importExisting?: boolean;
}

/** Present, and not null: a channel's settings have no "unset". */
const given = (field: keyof UpdateMailChannelDto) =>
  ValidateIf((dto: UpdateMailChannelDto) => dto[field] !== undefined);

/** What to change; an absent field is kept, and at least one must be given. */
export class UpdateMailChannelDto {
  @ApiPropertyOptional({ example: 'imap.their-company.com' })
  @given('host')
  @Trim()
  @IsString()
  @Length(1, 253)
  @Matches(HOST, { message: 'host must be a host name or an IP address' })
  host?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @given('port')
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: MAIL_CHANNEL_TLS_MODES })
  @given('tls')
  @IsIn(MAIL_CHANNEL_TLS_MODES)
  tls?: MailChannelTls;

  @ApiPropertyOptional()
  @given('username')
  @IsString()
  @Length(1, 320)
  @Matches(MAILBOX, { message: 'username must not contain control characters' })
  username?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'Stored encrypted; never returned' })
  @given('password')
  @IsString()
  @Length(1, 1024)
  @Matches(MAILBOX, { message: 'password must not contain control characters' })
  password?: string;

  @ApiPropertyOptional({
    description: 'Another folder: only its mail that arrives from now on is fetched, not what it holds already',
  })
  @given('mailbox')
  @IsString()
  @Length(1, 200)
  @Matches(MAILBOX, { message: 'mailbox must not contain control characters' })
  mailbox?: string;

  @ApiPropertyOptional({ description: "'seen', or the folder a delivered message is moved to" })
  @given('afterFetch')
  @IsString()
  @Length(1, 200)
  @Matches(MAILBOX, { message: 'afterFetch must not contain control characters' })
  afterFetch?: string;

  @ApiPropertyOptional({
    description:
      'false pauses the channel (status DISABLED, nothing fetched); true resumes a paused or FAILING one at once, its lastError cleared',
  })
  @given('active')
  @IsBoolean()
  active?: boolean;
}

export class MailChannelDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['IMAP'] })
  kind: 'IMAP';

  @ApiProperty()
  host: string;

  @ApiProperty()
  port: number;

  @ApiProperty({ enum: MAIL_CHANNEL_TLS_MODES })
  tls: MailChannelTls;

  @ApiProperty()
  username: string;

  @ApiProperty()
  mailbox: string;

  @ApiProperty()
  afterFetch: string;

  @ApiProperty({
    enum: ['ACTIVE', 'FAILING', 'DISABLED'],
    description: 'FAILING: the server cannot be reached or refuses the login; the worker retries with backoff',
  })
  status: 'ACTIVE' | 'FAILING' | 'DISABLED';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'What went wrong last (connection, login or a refused message)',
  })
  lastError: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastFetchedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class MailChannelListDto {
  @ApiProperty({ type: [MailChannelDto] })
  items: MailChannelDto[];
}

export class MailChannelParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
