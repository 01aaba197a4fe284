import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Trims surrounding white space of a string input; other values pass as they are. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** May be left out, but not null (class-validator's IsOptional also lets null through). */
export const Optional = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** May be left out or null (null clears the field). */
export const Nullable = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined && value !== null);
