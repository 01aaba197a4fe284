import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Logger } from 'pino';

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Routes Nest's own logging (and `new Logger(ctx)` in our code) into the process's pino logger.
 * Nest appends the logger's context as the last argument; `logger.error(obj, 'message')` and
 * `logger.error('message', stack)` are both understood.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]) {
    // The level comes from LOG_LEVEL, applied by pino; Nest's own filter is not used.
  }

  private write(level: Level, message: unknown, rest: unknown[]) {
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const strings = rest.filter((r): r is string => typeof r === 'string');
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      const { msg, ...fields } = message as Record<string, unknown>;
      this.logger[level]({ context, ...fields }, typeof msg === 'string' ? msg : strings.join(' '));
    } else if (level === 'error' && strings.length > 0) {
      this.logger[level]({ context, stack: strings.join('\n') }, String(message));
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}
