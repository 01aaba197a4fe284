import { Transform } from 'class-transformer';

/** Trims surrounding white space of a string input (names, emails); other values pass as they are. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Slugs that would collide with our own host names or routes. */
export const RESERVED_SLUGS: readonly string[] = [
  'admin',
  'administrator',
  'api',
  'app',
  'apps',
  'assets',
  'auth',
  'billing',
  'blog',
  'cdn',
  'control',
  'dashboard',
  'default',
  'dev',
  'docs',
  'help',
  'helpdesk',
  'helpdeskly',
  'internal',
  'login',
  'logout',
  'mail',
  'metrics',
  'new',
  'null',
  'platform',
  'root',
  'signup',
  'staging',
  'static',
  'status',
  'support',
  'system',
  'test',
  'undefined',
  'www',
];

/** 3 to 40 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;
