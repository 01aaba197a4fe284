// Promise primitives with no dependency on any other library of ours, so that every library
// (auth, cache, queues, rate limits, health) can use them without an import cycle.
export { ConcurrencyLimit } from './concurrency-limit';
export { withTimeout } from './with-timeout';
