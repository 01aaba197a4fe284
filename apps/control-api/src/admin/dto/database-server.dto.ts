import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import type { DatabaseServer } from '@helpdeskly/database';

export class RegisterDatabaseServerDto {
  @ApiProperty({ example: 'eu-west-2', description: 'Unique name' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
    message: 'name must be 1 to 63 lower-case letters, digits, hyphens and underscores',
  })
  name: string;

  @ApiProperty({
    example: 'postgresql://helpdeskly_admin:secret@db2.internal:5432/postgres',
    description: 'Administrative URL: its role must be able to create roles and databases',
  })
  @IsString()
  @Length(1, 2048)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'adminUrl must be a postgresql:// URL' })
  adminUrl: string;

  @ApiProperty({ example: 'pgbouncer2.internal' })
  @IsString()
  @Matches(/^[A-Za-z0-9.-]{1,253}$/, { message: 'pgbouncerHost must be a host name or an IPv4 address' })
  pgbouncerHost: string;

  @ApiProperty({ example: 6432 })
  @IsInt()
  @Min(1)
  @Max(65535)
  pgbouncerPort: number;

  @ApiPropertyOptional({ example: 500, description: 'Tenants it may hold', default: 500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacity?: number;
}

/** A database server as an admin sees it: the admin URL without its password. */
export class DatabaseServerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'primary' }) name: string;
  @ApiProperty({ example: 'postgresql://postgres@127.0.0.1:5432/postgres', description: 'Without its password' })
  adminUrl: string;
  @ApiProperty({ example: '127.0.0.1' }) pgbouncerHost: string;
  @ApiProperty({ example: 6432 }) pgbouncerPort: number;
  @ApiProperty({ example: 500 }) capacity: number;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class DatabaseServerListDto {
  @ApiProperty({ type: [DatabaseServerDto] }) items: DatabaseServerDto[];
}

/** The URL with its password removed (user, host, port and database stay). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[unparseable URL]';
  }
}

export const toDatabaseServerDto = (s: DatabaseServer): DatabaseServerDto => ({
  id: s.id,
  name: s.name,
  adminUrl: withoutPassword(s.adminUrl),
  pgbouncerHost: s.pgbouncerHost,
  pgbouncerPort: s.pgbouncerPort,
  capacity: s.capacity,
  active: s.active,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
