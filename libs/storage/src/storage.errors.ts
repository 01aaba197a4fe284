/** Base of every error the storage raises, so a caller can catch them as one family. */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A key or prefix breaks the rules of `object-key.ts`: a programming error, never retried. */
export class InvalidObjectKeyError extends StorageError {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    // JSON quoting: the key may hold the very control characters it is refused for.
    super(`Invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

export class ObjectNotFoundError extends StorageError {
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`No object under key ${JSON.stringify(key)}`, options);
  }
}

/** The store cannot be reached or answers 5xx: worth a retry later (the HTTP layer answers 503). */
export class StorageUnavailableError extends StorageError {}

/** The body's length was announced (`contentLength`) and the body had another; nothing was stored. */
export class ContentLengthMismatchError extends StorageError {
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    // A longer body is refused as soon as it passes `expected`, so `actual` is then a lower bound.
    super(
      `Object ${JSON.stringify(key)}: contentLength was ${expected}, the body had ${actual > expected ? 'more' : actual}`,
    );
  }
}
