import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { type Attachment, type Comment, CommentFormat, CommentVisibility } from '@helpdeskly/database';
import { ApiNextCursor, PageLimit } from '@helpdeskly/http';

export const COMMENT_BODY_MAX = 65_536;
/** A page of comments unless the client asks for another size. */
export const COMMENT_PAGE_SIZE = 50;

export class CreateCommentDto {
  @ApiProperty({
    minLength: 1,
    maxLength: COMMENT_BODY_MAX,
    description:
      'Stored exactly as written. Never rendered by the API: clients display TEXT as text and render MARKDOWN with a sanitizing renderer (no raw HTML).',
    example: 'Could you send us a screenshot?',
  })
  @IsString()
  @Length(1, COMMENT_BODY_MAX)
  body: string;

  @ApiPropertyOptional({
    enum: CommentVisibility,
    default: CommentVisibility.PUBLIC,
    description: 'PUBLIC: a reply the requester sees; INTERNAL: a note for agents only',
  })
  @IsOptional()
  @IsEnum(CommentVisibility)
  visibility: CommentVisibility = CommentVisibility.PUBLIC;

  @ApiPropertyOptional({ enum: CommentFormat, default: CommentFormat.TEXT })
  @IsOptional()
  @IsEnum(CommentFormat)
  format: CommentFormat = CommentFormat.TEXT;

  @ApiPropertyOptional({
    default: false,
    description:
      "Log a reply the requester sent another way (phone, email): the author is the ticket's requester, and it reopens a PENDING or SOLVED ticket",
  })
  @IsOptional()
  @IsBoolean()
  asRequester: boolean = false;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    uniqueItems: true,
    description:
      "Ids of the caller's pending uploads (POST /v1/uploads), at most ATTACHMENT_MAX_FILES: they become this comment's attachments with the comment, all or none (422 upload_not_usable names those that are unknown, expired, already attached or another member's, and no comment is made)",
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

export class CommentListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @PageLimit({ default: COMMENT_PAGE_SIZE })
  limit: number = COMMENT_PAGE_SIZE;
}

/** A file of a comment, as a client lists it under the comment. */
export class CommentAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'screenshot.png', description: 'Sanitized (no path, control or direction characters)' })
  filename: string;
  @ApiProperty({ example: 'image/png', description: 'Sniffed from the bytes' }) contentType: string;
  @ApiProperty({ example: 48213 }) size: number;
  @ApiProperty({ example: '/v1/attachments/7c9e6679-7425-40de-944b-e07fc1f90ae7/content' }) downloadUrl: string;
}

export class CommentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The agent who wrote it (null for a requester reply)',
  })
  authorUserId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The requester who wrote it (null for an agent)',
  })
  authorContactId: string | null;
  @ApiProperty({ enum: CommentVisibility }) visibility: CommentVisibility;
  @ApiProperty({ enum: CommentFormat }) format: CommentFormat;
  @ApiProperty({ description: 'As written; untrusted input to display as text or sanitized Markdown' }) body: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({
    type: [CommentAttachmentDto],
    description: 'Its files, in the order attached (those of an email reply, or its attachmentIds)',
  })
  attachments: CommentAttachmentDto[];
}

export class CommentPageDto {
  @ApiProperty({ type: [CommentDto] }) items: CommentDto[];
  @ApiNextCursor()
  nextCursor: string | null;
}

export const toCommentDto = (c: Comment, attachments: readonly Attachment[] = []): CommentDto => ({
  id: c.id,
  ticketId: c.ticketId,
  authorUserId: c.authorUserId,
  authorContactId: c.authorContactId,
  visibility: c.visibility,
  format: c.format,
  body: c.body,
  createdAt: c.createdAt,
  attachments: attachments.map((a) => ({
    id: a.id,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    downloadUrl: `/v1/attachments/${a.id}/content`,
  })),
});

export class CommentTicketParamsDto {
  @ApiProperty({ format: 'uuid', description: 'The ticket' })
  @IsUUID()
  id: string;
}
