import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemFromStatus } from '@helpdeskly/errors';

/** Longer URLs are refused with 414 (nginx's default buffer); past Node's 16 KiB header limit it is 431. */
export const MAX_URL_LENGTH = 8192;

/** What to answer for an error of Node's HTTP parser, which fails before Fastify builds a request. */
export function clientErrorProblem(error: { code?: string }, requestId: string): ProblemDetails {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return problemFromStatus(431, 'The request line and headers are larger than the server accepts.', requestId);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_REQUEST_HEADERS_TIMEOUT':
      return problemFromStatus(408, 'The request was not received in time.', requestId);
    default:
      return problemFromStatus(400, 'The request is not valid HTTP/1.1.', requestId);
  }
}

/**
 * Fastify's clientErrorHandler: the same problem details as every other answer, written on the raw
 * socket since no request or reply exists yet, then the connection closed (its framing is lost).
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const requestId = randomUUID();
    const details = clientErrorProblem(error, requestId);
    const body = JSON.stringify(details);
    const { status } = details;
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
