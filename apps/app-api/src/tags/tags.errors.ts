import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const tags = defineErrors('tags', {
  TagNotFound: { code: 'tag_not_found', status: 404, title: 'Tag not found' },
  TagNameTaken: { code: 'tag_name_taken', status: 409, title: 'A tag with this name exists' },
});

export const TagsErrorCode = tags.codes;
export type TagsErrorCode = CodeOf<typeof TagsErrorCode>;

/** Errors of tags, rendered as problem details by the global filter. */
export class TagsException extends tags.Exception {}
