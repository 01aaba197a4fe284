import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsUUID } from 'class-validator';
import { MembershipRole } from '@helpdeskly/database';
import type { MembershipWithUser } from '../../users/memberships.repository';

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ enum: MembershipRole }) role: MembershipRole;
  @ApiProperty({ type: String, format: 'date-time', description: 'When they joined the tenant' }) since: Date;
}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto] }) items: MemberDto[];
}

export class MemberParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: MembershipRole, description: 'An ADMIN may only switch members between AGENT and ADMIN' })
  @IsEnum(MembershipRole)
  role: MembershipRole;
}

export const toMemberDto = (m: MembershipWithUser): MemberDto => ({
  userId: m.userId,
  name: m.user.name,
  email: m.user.email,
  role: m.role,
  since: m.createdAt,
});
