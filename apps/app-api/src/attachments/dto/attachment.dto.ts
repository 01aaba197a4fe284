import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { Attachment } from '@helpdeskly/database';

export class AttachmentParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class AttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Null: a file of the message that opened the ticket',
  })
  commentId: string | null;
  @ApiProperty({ example: 'screenshot.png', description: 'Sanitized (no path, control or direction characters)' })
  filename: string;
  @ApiProperty({ example: 'image/png', description: "Sniffed from the bytes, never the sender's declared type" })
  contentType: string;
  @ApiProperty({ example: 48213 }) size: number;
  @ApiProperty({ description: 'An image the HTML of the message shows (cid:)' }) inline: boolean;
  @ApiProperty({ description: "GET it for the bytes (the caller's token; OWNER, ADMIN and AGENT)" })
  downloadUrl: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class AttachmentListDto {
  @ApiProperty({ type: [AttachmentDto] }) items: AttachmentDto[];
}

export const toAttachmentDto = (a: Attachment): AttachmentDto => ({
  id: a.id,
  ticketId: a.ticketId,
  commentId: a.commentId,
  filename: a.filename,
  contentType: a.contentType,
  size: a.size,
  inline: a.inline,
  downloadUrl: `/v1/attachments/${a.id}/content`,
  createdAt: a.createdAt,
});
