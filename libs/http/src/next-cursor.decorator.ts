import { ApiProperty } from '@nestjs/swagger';

/** Documents `nextCursor` of a page of a cursor-paginated list: the last item's id, null on the last page. */
export const ApiNextCursor = (): PropertyDecorator =>
  ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last one',
  });
