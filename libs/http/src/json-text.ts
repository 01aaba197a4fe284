import { Header } from '@nestjs/common';

declare const JSON_OF: unique symbol;

/**
 * A JSON document already serialized, e.g. written by PostgreSQL: a hot path hands it to Fastify as
 * it is instead of parsing and stringifying it again. `T` is the DTO it serializes (for readers and
 * OpenAPI, which the route's @ApiOkResponse still describes).
 */
export type JsonText<T> = string & { readonly [JSON_OF]?: T };

export const jsonText = <T>(text: string): JsonText<T> => text as JsonText<T>;

/** On a route that returns {@link JsonText}: sent with the JSON media type, not as text/plain. */
export const JsonTextResponse = () => Header('Content-Type', 'application/json; charset=utf-8');
