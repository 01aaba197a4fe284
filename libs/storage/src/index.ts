export { LocalDiskObjectStorage } from './local-disk-object-storage';
export {
  assertObjectKey,
  assertObjectPrefix,
  MAX_KEY_BYTES,
  tenantKey,
  tenantPrefix,
  ticketPrefix,
} from './object-key';
export { type ObjectInfo, ObjectStorage, type PutOptions, type PutResult, type StoredObject } from './object-storage';
export { S3ObjectStorage, type S3ObjectStorageOptions } from './s3-object-storage';
export {
  ContentLengthMismatchError,
  InvalidObjectKeyError,
  ObjectNotFoundError,
  StorageError,
  StorageUnavailableError,
} from './storage.errors';
export { createObjectStorage, StorageModule } from './storage.module';
