export { createLogger, type Logger, type LoggerOptions } from './logger';
export { NestPinoLogger } from './nest-logger';
export { REDACTED, redactSecrets, redactString } from './redact';
export { registerRequestLogging, type RequestLogContext } from './request-logging';
