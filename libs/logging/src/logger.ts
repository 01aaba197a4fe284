import pino, { type Logger } from 'pino';
import { redactSecrets, redactString } from './redact';

export interface LoggerOptions {
  readonly name: string;
  readonly level: pino.LevelWithSilent;
  /** Human-readable lines (pino-pretty) for development; JSON otherwise. */
  readonly pretty: boolean;
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  readonly destination?: pino.DestinationStream;
}

export type { Logger };

/** The one root logger of a process: JSON lines, secrets masked before anything is written. */
export function createLogger(options: LoggerOptions): Logger {
  const config: pino.LoggerOptions = {
    name: options.name,
    level: options.level,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactSecrets(object),
    },
    // formatters.log has already turned errors into masked plain objects; this catches the rest.
    serializers: { err: (err: unknown) => (err instanceof Error ? redactSecrets(pino.stdSerializers.err(err)) : err) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactString(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  if (options.destination) return pino(config, options.destination);
  if (options.pretty)
    return pino({
      ...config,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true },
      },
    });
  return pino(config, bufferedStdout());
}

/** Lines buffered up to this many bytes, or this long, before one write. */
const LOG_BUFFER_BYTES = 8 * 1024;
const LOG_FLUSH_MS = 250;

/**
 * Standard output written in chunks, asynchronously: one write per request line was ~7 % of a busy
 * API's CPU (a write is a system call, and slow ones on virtual machines). A line waits at most
 * LOG_FLUSH_MS; pino flushes what is left when the process exits.
 */
function bufferedStdout(): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  return destination;
}
