import { Transform } from 'class-transformer';

/** Trims surrounding white space of a string input (names, emails); other values pass as they are. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
