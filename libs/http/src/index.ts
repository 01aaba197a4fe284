export { bootstrap } from './bootstrap';
export { allowedOrigins, createApp, type CreateAppOptions, SESSION_TRANSPORT_HEADER } from './create-app';
export { buildOpenApiDocument, type ApiDescription } from './openapi';
export { REQUEST_ID_HEADER, requestIdFor } from './request-id';
export { handleShutdownSignals } from './shutdown';
export { type JsonText, JsonTextResponse, jsonText } from './json-text';
export { clientErrorHandler, clientErrorProblem, MAX_URL_LENGTH } from './client-error';
export {
  findInvalidText,
  hasUnstorableText,
  InvalidTextProblem,
  invalidTextProblem,
  MAX_INPUT_DEPTH,
  type RequestInput,
} from './invalid-text';
export { PageLimit, type PageLimitOptions } from './validation/page-limit.decorator';
export { Trim } from './validation/trim.decorator';
export { OptionalDateTime } from './validation/optional-date-time.decorator';
export { ApiNextCursor } from './next-cursor.decorator';
