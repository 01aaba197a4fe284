import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { Trim } from '@helpdeskly/http';

/**
 * No control character (CR and LF among them), line or paragraph separator, or bidi override: the
 * name goes into the From header of customers' emails, where the first could add headers and the
 * last make it read as someone else's.
 */
const SAFE_SENDER_NAME = /^[^\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]*$/u;

export class TenantSettingsDto {
  @ApiProperty({
    description:
      'OWNERs and ADMINs without two-factor authentication get an enrolment token instead of tokens at login, and cannot refresh older sessions',
  })
  require2faForAdmins: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Acme Support',
    description: "Display name of the From header of the helpdesk's emails; null: the tenant's name",
  })
  emailSenderName: string | null;
}

/** What to change; an absent field is kept. */
export class UpdateTenantSettingsDto {
  @ApiPropertyOptional({ type: Boolean })
  // Not @IsOptional(): that would let null through, and the setting has no "unset".
  @ValidateIf((dto: UpdateTenantSettingsDto) => dto.require2faForAdmins !== undefined)
  @IsBoolean()
  require2faForAdmins?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 100,
    example: 'Acme Support',
    description:
      "Trimmed; no control characters (CR, LF, …), line separators or bidi overrides. null: back to the tenant's name",
  })
  @ValidateIf((dto: UpdateTenantSettingsDto) => dto.emailSenderName !== null && dto.emailSenderName !== undefined)
  @Trim()
  @IsString()
  @Length(1, 100)
  @Matches(SAFE_SENDER_NAME, {
    message: 'emailSenderName must not contain control characters, line separators or bidi overrides',
  })
  emailSenderName?: string | null;
}
