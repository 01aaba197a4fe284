import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import type { InboundAttachment } from '@helpdeskly/inbound-email';
import type { Upload } from '@helpdeskly/database';
import {
  ObjectNotFoundError,
  ObjectStorage,
  StorageUnavailableError,
  tenantKey,
  ticketPrefix,
} from '@helpdeskly/storage';
import type { TenantContext } from '../tenancy/tenant-context';
import { TicketsErrorCode, TicketsException } from '../tickets/tickets.errors';
import { contentDisposition, isInlineSafe, safeFilename, sniffContentType } from './attachment-file';
import { AttachmentsErrorCode, AttachmentsException, storageProblem } from './attachments.errors';
import { type NewAttachment, AttachmentsRepository } from './attachments.repository';
import { type AttachmentDto, type AttachmentListDto, toAttachmentDto } from './dto/attachment.dto';
import { type UploadListDto, toUploadDto } from './dto/upload.dto';
import { UploadsRepository } from './uploads.repository';

/** Where a file came from. */
export interface AttachmentOrigin {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly commentId: string | null;
  readonly inboundEmailId: string | null;
}

/** A file a member uploads: its name as the client sent it, and its bytes. */
export interface UploadedFile {
  readonly filename: string | null;
  readonly content: Buffer;
}

/** How long a pending upload (POST /v1/uploads) can be attached before the daily purge takes it. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** A member's uploaded file once stored: what both its attachment and its upload row keep. */
interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly storageKey: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly createdAt: Date;
}

/** A file ready to send: its headers and its bytes. */
export interface AttachmentDownload {
  readonly body: Readable;
  readonly contentType: string;
  readonly contentDisposition: string;
  readonly size: number;
}

/**
 * Files of tickets: stored in object storage under the ticket's prefix (or, when they were pending
 * uploads, under the tenant's `uploads/` with their key kept), described in the tenant's
 * attachments table, and served to the tenant's members only (the row is looked up in the
 * tenant's own database, so another tenant's id is a 404 like an unknown one).
 */
@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly attachments: AttachmentsRepository,
    private readonly uploads: UploadsRepository,
    private readonly storage: ObjectStorage,
    private readonly metrics: MetricsRegistry,
  ) {}

  /**
   * Keeps the files of an inbound message: sniffed, renamed safely, within ATTACHMENT_MAX_BYTES,
   * ATTACHMENT_MAX_FILES and the tenant's quota; empty files are left out. Answers what was left
   * out and why, for the message's record; a storage outage leaves the remaining files out too.
   */
  async keepFromEmail(origin: AttachmentOrigin, files: readonly InboundAttachment[]): Promise<string[]> {
    const { maxBytes, maxFiles, tenantQuotaBytes } = this.config.attachments;
    const leftOut: string[] = [];
    const rows: NewAttachment[] = [];
    let used = files.length > 0 ? await this.attachments.usedBytes() : 0;
    // A millisecond apart, so that the ticket lists them in the message's order.
    const now = Date.now();
    for (const [index, file] of files.entries()) {
      const filename = safeFilename(file.filename, `attachment-${index + 1}`);
      if (rows.length >= maxFiles) {
        leftOut.push(`${files.length - index} file(s) past ATTACHMENT_MAX_FILES (${maxFiles})`);
        break;
      }
      if (file.size === 0) leftOut.push(`${filename}: empty`);
      else if (file.size > maxBytes)
        leftOut.push(`${filename}: ${file.size} bytes, over ATTACHMENT_MAX_BYTES (${maxBytes})`);
      else if (used + file.size > tenantQuotaBytes) leftOut.push(`${filename}: over the tenant's storage quota`);
      else {
        // The ticket or comment exists already: a storage outage now leaves the file out rather
        // than failing the message, whose retry would make a second ticket (the raw copy keeps it).
        const row = await this.store(origin, file, filename, new Date(now + rows.length)).catch((error: unknown) => {
          if (!(error instanceof StorageUnavailableError)) throw error;
          this.logger.warn(
            { err: error, ticketId: origin.ticketId },
            'an inbound attachment was left out: storage unavailable',
          );
          return null;
        });
        if (!row) {
          leftOut.push(`${filename}: file storage unavailable (kept in the raw message)`);
          continue;
        }
        used += row.size;
        rows.push(row);
      }
    }
    await this.attachments.insertMany(rows);
    this.counted(rows, leftOut.length);
    return leftOut;
  }

  /**
   * POST /v1/tickets/:id/attachments: files a member uploads to a ticket (outside the trash), all
   * or nothing (see {@link storeUploaded}).
   */
  async upload(tenantId: string, ticketId: string, files: readonly UploadedFile[]): Promise<AttachmentListDto> {
    if ((await this.attachments.listOfTicket(ticketId)) === null)
      throw new TicketsException(TicketsErrorCode.TicketNotFound);
    const rows = await this.storeUploaded(
      files,
      (id) => `${ticketPrefix(tenantId, ticketId)}attachments/${id}`,
      (file): NewAttachment => ({
        ...file,
        ticketId,
        commentId: null,
        inboundEmailId: null,
        inline: false,
        contentId: null,
      }),
      (rows) => this.attachments.insertMany(rows),
    );
    return { items: rows.map(toAttachmentDto) };
  }

  /**
   * POST /v1/uploads: files a member uploads before the comment they go with exists (the first
   * step of a two-step upload), checked and kept as {@link upload} keeps them, on no ticket yet.
   * They are the member's own, count against the quota, and expire after {@link UPLOAD_TTL_MS}.
   */
  async uploadPending(tenant: TenantContext, files: readonly UploadedFile[]): Promise<UploadListDto> {
    const expiresAt = new Date(Date.now() + UPLOAD_TTL_MS);
    const rows = await this.storeUploaded(
      files,
      (id) => tenantKey(tenant.tenantId, 'uploads', id),
      (file): Upload => ({ ...file, userId: tenant.userId, expiresAt }),
      (rows) => this.uploads.insertMany(rows),
    );
    return { items: rows.map(toUploadDto) };
  }

  /** GET /v1/uploads: the member's own uploads that can still be attached. */
  async listPending(tenant: TenantContext): Promise<UploadListDto> {
    return { items: (await this.uploads.listPending(tenant.userId)).map(toUploadDto) };
  }

  /** DELETE /v1/uploads/:id: the member discards a pending upload of theirs, object first. */
  async discardUpload(tenant: TenantContext, id: string): Promise<void> {
    const discarded = await this.uploads
      .discard(id, tenant.userId, (key) => this.storage.delete(key))
      .catch((error: unknown) => {
        throw storageProblem(error);
      });
    if (!discarded) throw new AttachmentsException(AttachmentsErrorCode.UploadNotFound);
    this.metrics.attachments.inc({ event: 'deleted' });
  }

  async listOfTicket(ticketId: string): Promise<AttachmentListDto> {
    const rows = await this.attachments.listOfTicket(ticketId);
    if (!rows) throw new TicketsException(TicketsErrorCode.TicketNotFound);
    return { items: rows.map(toAttachmentDto) };
  }

  /** Download routes of the images an inbound message's HTML shows, by Content-ID. */
  async imagesOfInboundEmail(inboundEmailId: string): Promise<ReadonlyMap<string, string>> {
    const rows = await this.attachments.inlineOfInboundEmail(inboundEmailId);
    return new Map(rows.map((row) => [row.contentId!, toAttachmentDto(row).downloadUrl]));
  }

  async get(id: string): Promise<AttachmentDto> {
    const row = await this.attachments.find(id);
    if (!row) throw new AttachmentsException(AttachmentsErrorCode.AttachmentNotFound);
    return toAttachmentDto(row);
  }

  /** The bytes of an attachment, as a download unless they are a raster image. */
  async download(id: string): Promise<AttachmentDownload> {
    const row = await this.attachments.find(id);
    if (!row) throw new AttachmentsException(AttachmentsErrorCode.AttachmentNotFound);
    try {
      const object = await this.storage.get(row.storageKey);
      return {
        body: object.body,
        contentType: row.contentType,
        contentDisposition: contentDisposition(isInlineSafe(row.contentType) ? 'inline' : 'attachment', row.filename),
        size: object.size,
      };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        this.logger.error({ attachmentId: id, key: row.storageKey }, 'attachment row without its object');
        throw new AttachmentsException(AttachmentsErrorCode.AttachmentNotFound);
      }
      throw storageProblem(error);
    }
  }

  /**
   * Deletes every file of a ticket (its prefix, and the attachments that were pending uploads,
   * which keep their key) and the raw copies of the messages it was made of;
   * 503 storage_unavailable when the store does not answer.
   */
  async deleteFilesOfTicket(tenantId: string, ticketId: string): Promise<number> {
    try {
      const prefix = ticketPrefix(tenantId, ticketId);
      const { rawKeys, attachmentKeys } = await this.attachments.keysOutsideTicketPrefix(ticketId, prefix);
      for (const key of [...rawKeys, ...attachmentKeys]) await this.storage.delete(key);
      const deleted = attachmentKeys.length + (await this.storage.deletePrefix(prefix));
      this.metrics.attachments.inc({ event: 'deleted' }, deleted);
      return deleted;
    } catch (error) {
      throw storageProblem(error);
    }
  }

  /**
   * Members' uploads, all or nothing: no file (422), an empty one (422), over the tenant's quota
   * (413) or a storage outage (503) keeps none of them, and the objects already stored go. Size
   * and count limits are enforced while parsing (413). `keep` records the rows `toRow` made.
   */
  private async storeUploaded<T extends { readonly storageKey: string; readonly size: number }>(
    files: readonly UploadedFile[],
    keyOf: (id: string) => string,
    toRow: (file: StoredFile) => T,
    keep: (rows: readonly T[]) => Promise<void>,
  ): Promise<T[]> {
    if (files.length === 0)
      throw new AttachmentsException(AttachmentsErrorCode.NoFile, 'Send the files as parts named "file".');
    const empty = files.find((f) => f.content.length === 0);
    if (empty)
      throw new AttachmentsException(AttachmentsErrorCode.EmptyFile, `${safeFilename(empty.filename)} is empty.`);
    const total = files.reduce((n, f) => n + f.content.length, 0);
    if ((await this.attachments.usedBytes()) + total > this.config.attachments.tenantQuotaBytes)
      throw new AttachmentsException(
        AttachmentsErrorCode.QuotaExceeded,
        'Delete tickets with large files, or ask for a larger quota.',
      );
    const now = Date.now();
    const rows: T[] = [];
    try {
      for (const [index, file] of files.entries()) {
        const id = randomUUID();
        const storageKey = keyOf(id);
        const filename = safeFilename(file.filename, `attachment-${index + 1}`);
        // A millisecond apart, so that they list in the request's order.
        rows.push(
          toRow({
            id,
            filename,
            storageKey,
            ...(await this.put(storageKey, file.content)),
            createdAt: new Date(now + index),
          }),
        );
      }
      await keep(rows);
      this.counted(rows, 0);
    } catch (error) {
      // Nothing half-kept: the objects already stored go too.
      await Promise.allSettled(rows.map((r) => this.storage.delete(r.storageKey)));
      throw storageProblem(error);
    }
    return rows;
  }

  private counted(stored: ReadonlyArray<{ readonly size: number }>, leftOut: number): void {
    if (stored.length > 0) this.metrics.attachments.inc({ event: 'stored' }, stored.length);
    if (leftOut > 0) this.metrics.attachments.inc({ event: 'left_out' }, leftOut);
    const bytes = stored.reduce((n, r) => n + r.size, 0);
    if (bytes > 0) this.metrics.attachmentBytes.inc(bytes);
  }

  /**
   * Stores one file under its ticket's prefix (the trash purge deletes the prefix with the
   * ticket), typed from its bytes, and answers its row; the store's own errors propagate.
   */
  private async store(
    origin: AttachmentOrigin,
    file: Pick<InboundAttachment, 'content' | 'inline' | 'contentId'>,
    filename: string,
    createdAt: Date,
  ): Promise<NewAttachment> {
    const id = randomUUID();
    const storageKey = `${ticketPrefix(origin.tenantId, origin.ticketId)}attachments/${id}`;
    return {
      id,
      ticketId: origin.ticketId,
      commentId: origin.commentId,
      inboundEmailId: origin.inboundEmailId,
      filename,
      ...(await this.put(storageKey, file.content)),
      storageKey,
      inline: file.inline,
      contentId: file.contentId,
      createdAt,
    };
  }

  /** Stores `content` under `storageKey`, typed from its bytes; the store's own errors propagate. */
  private async put(storageKey: string, content: Buffer): Promise<Pick<StoredFile, 'contentType' | 'size' | 'sha256'>> {
    const contentType = await sniffContentType(content);
    const stored = await this.storage.put(storageKey, content, { contentType, contentLength: content.length });
    return { contentType, size: stored.size, sha256: stored.sha256 };
  }
}
