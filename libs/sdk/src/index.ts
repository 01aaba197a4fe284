export * from './authenticated-fetch';
export * from './etag-store';
export * from './helpdeskly-client';
export * from './idempotency';
export * from './pagination';
export * from './problem-error';
export * from './session';
