import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { toProblem } from './to-problem';

/** Sends a problem-details answer for `error`; shared by the Nest filter and Fastify's error handler. */
export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error' | 'warn'>,
): void {
  const { body, headers, serverError, warning } = toProblem(error, String(request.id), request.url.split('?')[0]);
  if (serverError)
    logger.error({ err: error, requestId: request.id, ...request.logContext }, 'Unhandled error while serving request');
  else if (warning)
    logger.warn(
      { err: error, requestId: request.id, ...request.logContext },
      'The database refused input that validation let through',
    );
  if (reply.sent) return;
  reply
    .headers(headers)
    .header('x-request-id', String(request.id))
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .status(body.status)
    .send(JSON.stringify(body));
}

/** The one global filter of each API: every exception becomes RFC 9457 problem details. */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
