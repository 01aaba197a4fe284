import { Global, Module } from '@nestjs/common';
import { AppConfig, type StorageConfig } from '@helpdeskly/config';
import { LocalDiskObjectStorage } from './local-disk-object-storage';
import { ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';

/** The driver STORAGE_DRIVER names, configured from the rest of the storage variables. */
export function createObjectStorage(config: StorageConfig): ObjectStorage {
  return config.driver === 's3' ? new S3ObjectStorage(config.s3) : new LocalDiskObjectStorage(config.localDir);
}

/**
 * Provides {@link ObjectStorage} from the configuration (ConfigModule must be imported before, as
 * PlatformModule does). Nothing is reached at start-up: a missing bucket shows at the first call.
 */
@Global()
@Module({
  providers: [
    {
      provide: ObjectStorage,
      useFactory: (config: AppConfig) => createObjectStorage(config.storage),
      inject: [AppConfig],
    },
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
