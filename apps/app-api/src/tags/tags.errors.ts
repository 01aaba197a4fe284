import { DomainException } from '@helpdeskly/errors';

export enum TagsErrorCode {
  TagNotFound = 'tag_not_found',
  TagNameTaken = 'tag_name_taken',
}

const TAGS_ERRORS: Readonly<Record<TagsErrorCode, { status: number; title: string }>> = {
  [TagsErrorCode.TagNotFound]: { status: 404, title: 'Tag not found' },
  [TagsErrorCode.TagNameTaken]: { status: 409, title: 'A tag with this name exists' },
};

/** Errors of tags, rendered as problem details by the global filter. */
export class TagsException extends DomainException<TagsErrorCode> {
  constructor(
    readonly code: TagsErrorCode,
    detail?: string,
  ) {
    super(TAGS_ERRORS, code, detail);
  }
}
