import type { ApiBodyOptions } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AttachmentsErrorCode, AttachmentsException } from './attachments.errors';
import type { UploadedFile } from './attachments.service';

/**
 * The parts named `file` of a multipart/form-data request, each read whole within
 * ATTACHMENT_MAX_BYTES and ATTACHMENT_MAX_FILES (413 past them, from @fastify/multipart's
 * limits), so that the type is sniffed from the bytes before anything is stored. 415 for another
 * body, 400 for one cut or garbled.
 */
export async function readUploadedFiles(request: FastifyRequest): Promise<UploadedFile[]> {
  if (!request.isMultipart())
    throw new AttachmentsException(
      AttachmentsErrorCode.NotMultipart,
      'Send the files as multipart/form-data parts named "file".',
    );
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file' && part.fieldname === 'file')
        files.push({ filename: part.filename, content: await part.toBuffer() });
      else if (part.type === 'file') part.file.resume();
    }
  } catch (error) {
    // The limits' errors carry their 413; anything else busboy throws is a body cut or garbled.
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw error;
    throw new AttachmentsException(
      AttachmentsErrorCode.MalformedMultipart,
      'The multipart body is incomplete or malformed.',
      {
        cause: error,
      },
    );
  }
  return files;
}

/** The OpenAPI body of the routes that take {@link readUploadedFiles}. */
export const FILE_PARTS_BODY: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } },
  },
};
