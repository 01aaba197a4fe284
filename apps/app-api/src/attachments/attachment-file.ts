import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import sanitize from 'sanitize-filename';

/** Marks that reorder text (RTL override, isolates...): `invoice\u202Efdp.exe` shows as `invoiceexe.pdf`. */
const DIRECTION_MARKS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const MAX_FILENAME_BYTES = 255;

/**
 * A filename safe to store and to send back: the last path segment only (`../../etc/passwd` is
 * `passwd`), no control, reserved or direction characters (sanitize-filename, then the marks it
 * keeps), at most 255 UTF-8 bytes with the extension kept; `fallback` when nothing is left.
 */
export function safeFilename(name: string | null | undefined, fallback = 'attachment'): string {
  const trim = (s: string) => s.replace(/^[.\s]+|[.\s]+$/g, '');
  const last = trim((name ?? '').split(/[/\\]/).pop()?.replace(DIRECTION_MARKS, '') ?? '');
  // Fitted first: sanitize-filename cuts at 255 bytes too, but through the extension.
  const cleaned = trim(sanitize(fitBytes(last, MAX_FILENAME_BYTES), { replacement: '_' }));
  return cleaned.length > 0 ? cleaned : fallback;
}

/** Cuts the stem (never the extension, never inside a character) until the name fits in `max` bytes. */
function fitBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = [...name.slice(0, name.length - ext.length)];
  while (stem.length > 0 && Buffer.byteLength(stem.join('') + ext) > max) stem = stem.slice(0, -1);
  return stem.join('') + ext;
}

/** Types a browser may show inline: raster images, which run no script. Everything else is a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

export const isInlineSafe = (contentType: string) => INLINE_TYPES.has(contentType);

/**
 * The content type of `bytes`, from the bytes (file-type's magic numbers), never from what the
 * sender declared: text without NUL that decodes as UTF-8 is text/plain, anything else unknown is
 * application/octet-stream.
 */
export async function sniffContentType(bytes: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) return detected.mime;
  const head = bytes.subarray(0, 8192);
  if (!head.includes(0) && isUtf8(head)) return 'text/plain';
  return 'application/octet-stream';
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    // A cut in the middle of a character at the 8 KB boundary is still text.
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
      return bytes.length > 3;
    } catch {
      return false;
    }
  }
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** What a served file's headers say besides the ones every served file gets. */
export interface ServedFile {
  readonly contentType: string;
  readonly size?: number;
  readonly disposition?: string;
  /** Default: nothing loads and nothing runs. */
  readonly contentSecurityPolicy?: string;
}

/**
 * Sends a file a tenant's users gave us (an attachment, a received message) so that a browser
 * never runs it: no type sniffing, a sandboxing Content-Security-Policy, never cached by others.
 */
export async function sendUserFile(reply: FastifyReply, file: ServedFile, body: Readable | string): Promise<void> {
  if (file.size !== undefined) reply.header('content-length', String(file.size));
  if (file.disposition) reply.header('content-disposition', file.disposition);
  await reply
    .header('content-type', file.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', file.contentSecurityPolicy ?? "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(body);
}
