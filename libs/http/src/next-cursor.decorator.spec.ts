import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ApiNextCursor } from './next-cursor.decorator';

// @nestjs/swagger's metadata key for a property's schema (its constants are not exported).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

class PageDto {
  @ApiNextCursor() nextCursor: string | null;
}

describe('ApiNextCursor', () => {
  it('documents a nullable id that is the next page’s cursor', () => {
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, PageDto.prototype, 'nextCursor')).toMatchObject({
      format: 'uuid',
      nullable: true,
      type: String,
      description: 'Pass as `cursor` for the next page; null on the last one',
    });
  });
});
