import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

export const NDJSON = 'application/x-ndjson';

/** Streams lines as the response body, as they are read: an export never sits whole in memory. */
export function sendNdjson(reply: FastifyReply, lines: AsyncIterable<string>, filename: string): FastifyReply {
  return reply
    .header('content-type', `${NDJSON}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(lines));
}
