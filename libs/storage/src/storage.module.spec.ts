import { describe, it } from 'node:test';
import { expect } from 'expect';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '@helpdeskly/config';
import { unitConfig } from '@helpdeskly/testing';
import { LocalDiskObjectStorage } from './local-disk-object-storage';
import { ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';
import { StorageModule } from './storage.module';

/** The ObjectStorage StorageModule provides under `env`; building a driver reaches nothing. */
async function storageOf(env: Record<string, string>): Promise<ObjectStorage> {
  const module = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(unitConfig(env)), StorageModule],
  }).compile();
  const storage = module.get(ObjectStorage);
  await module.close();
  return storage;
}

describe(StorageModule.name, () => {
  it('provides the local driver on STORAGE_LOCAL_DIR by default', async () => {
    const storage = await storageOf({ STORAGE_LOCAL_DIR: '/var/lib/helpdeskly/objects' });
    expect(storage).toBeInstanceOf(LocalDiskObjectStorage);
    expect((storage as LocalDiskObjectStorage).root).toBe('/var/lib/helpdeskly/objects');
  });

  it('provides the S3 driver with STORAGE_DRIVER=s3', async () => {
    const storage = await storageOf({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'helpdeskly-attachments',
      S3_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(storage).toBeInstanceOf(S3ObjectStorage);
  });
});
