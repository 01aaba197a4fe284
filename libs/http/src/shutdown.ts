import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish (new requests
 * on kept-alive connections get 503), then close database and Redis connections
 * (onApplicationShutdown hooks) and exit 0. Requests still running after `timeoutMs` are cut and
 * the process exits 1.
 */
export function handleShutdownSignals(
  app: INestApplication,
  logger: Logger,
  timeoutMs: number,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, timeoutMs }, 'shutting down: draining in-flight requests');
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      logger.warn({ timeoutMs }, 'shutdown timeout reached: closing remaining connections');
      app.getHttpServer().closeAllConnections?.();
    }, timeoutMs);
    timer.unref();
    try {
      await app.close();
      clearTimeout(timer);
      logger.info({ forced }, 'shutdown complete');
      exit(forced ? 1 : 0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    }
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}
