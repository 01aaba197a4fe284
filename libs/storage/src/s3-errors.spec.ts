import { describe, it } from 'node:test';
import { expect } from 'expect';
import { deleteErrorOf, storageErrorOf } from './s3-errors';
import { ObjectNotFoundError, StorageError, StorageUnavailableError } from './storage.errors';

const sdkError = (name: string, status?: number, code?: string) =>
  Object.assign(new Error(`${name} happened`), { name, code, $metadata: { httpStatusCode: status } });

describe(storageErrorOf.name, () => {
  it('maps a missing key (GET NoSuchKey, HEAD 404) to ObjectNotFoundError', () => {
    for (const error of [sdkError('NoSuchKey', 404), sdkError('NotFound', 404)]) {
      const mapped = storageErrorOf(error, 'tenants/t1/a');
      expect(mapped).toBeInstanceOf(ObjectNotFoundError);
      expect((mapped as ObjectNotFoundError).key).toBe('tenants/t1/a');
      expect((mapped as Error).cause).toBe(error);
    }
  });

  it('maps 5xx, throttling, timeouts and network failures to StorageUnavailableError', () => {
    for (const error of [
      sdkError('InternalError', 500),
      sdkError('ServiceUnavailable', 503),
      sdkError('SlowDown', 503),
      sdkError('TooManyRequests', 429),
      sdkError('TimeoutError'),
      sdkError('Error', undefined, 'ECONNREFUSED'),
      sdkError('Error', undefined, 'ENOTFOUND'),
    ])
      expect(storageErrorOf(error, 'k')).toBeInstanceOf(StorageUnavailableError);
  });

  it('returns misconfigurations and our own errors unchanged', () => {
    const denied = sdkError('AccessDenied', 403);
    expect(storageErrorOf(denied, 'k')).toBe(denied);
    const ours = new ObjectNotFoundError('k');
    expect(storageErrorOf(ours, 'k')).toBe(ours);
    const callers = new Error('the caller stream failed');
    expect(storageErrorOf(callers, 'k')).toBe(callers);
  });
});

describe(deleteErrorOf.name, () => {
  it('types a failed key of DeleteObjects by its code', () => {
    expect(deleteErrorOf({ Key: 'a', Code: 'InternalError', Message: 'x' })).toBeInstanceOf(StorageUnavailableError);
    const denied = deleteErrorOf({ Key: 'a', Code: 'AccessDenied', Message: 'x' });
    expect(denied).toBeInstanceOf(StorageError);
    expect(denied).not.toBeInstanceOf(StorageUnavailableError);
  });
});
