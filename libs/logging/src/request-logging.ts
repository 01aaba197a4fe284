import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** Fields a later layer (authentication) adds to the request so its log line names who asked. */
export interface RequestLogContext {
  tenantId?: string;
  userId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    logContext?: RequestLogContext;
  }
}

const routeOf = (request: FastifyRequest) => request.routeOptions?.url ?? '(unmatched)';

/**
 * One structured line per request when its response is sent: request id, method, route template
 * (never the raw URL, which can hold ids and tokens), status and duration.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const line = {
      requestId: request.id,
      method: request.method,
      route: routeOf(request),
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      ...request.logContext,
    };
    if (status >= 500) logger.error(line, 'request failed');
    else if (line.route.startsWith('/health') && status < 400)
      logger.debug(line, 'probe answered'); // probes every few seconds
    else if (status >= 400) logger.warn(line, 'request rejected');
    else logger.info(line, 'request completed');
    done();
  });
}
