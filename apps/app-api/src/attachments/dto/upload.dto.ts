import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { Upload } from '@helpdeskly/database';

export class UploadParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class UploadDto {
  @ApiProperty({
    format: 'uuid',
    description: "Reference it in a comment's `attachmentIds`; the attachment keeps this id",
  })
  id: string;
  @ApiProperty({ example: 'screenshot.png', description: 'Sanitized (no path, control or direction characters)' })
  filename: string;
  @ApiProperty({ example: 'image/png', description: "Sniffed from the bytes, never the sender's declared type" })
  contentType: string;
  @ApiProperty({ example: 48213 }) size: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Unused by then, it is deleted (24 hours after the upload)',
  })
  expiresAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class UploadListDto {
  @ApiProperty({ type: [UploadDto] }) items: UploadDto[];
}

export const toUploadDto = (u: Upload): UploadDto => ({
  id: u.id,
  filename: u.filename,
  contentType: u.contentType,
  size: u.size,
  expiresAt: u.expiresAt,
  createdAt: u.createdAt,
});
