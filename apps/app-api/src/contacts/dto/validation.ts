import { ValidateIf } from 'class-validator';

/** May be left out, but not null (class-validator's IsOptional also lets null through). */
export const Optional = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** May be left out or null (null clears the field). */
export const Nullable = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined && value !== null);
