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
  if (options.pretty) return pino({ ...config, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true } } });
  return pino(config);
}
