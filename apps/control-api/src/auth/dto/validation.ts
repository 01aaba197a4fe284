import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

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

/**
 * A password the caller chooses (sign-up, change, reset): a string of at most 256 characters here;
 * the password policy (length, 72 bytes, zxcvbn) is applied by the service, which knows the email
 * and name that count against it.
 */
export function NewPassword(example: string): PropertyDecorator {
  // Bottom-up, the order stacked decorators apply, so that errors keep the order of the stacks this replaces.
  return applyDecorators(
    MaxLength(256),
    IsString(),
    ApiProperty({
      description:
        'At least PASSWORD_MIN_LENGTH characters and at most 72 bytes (UTF-8), with a zxcvbn strength score of at least PASSWORD_MIN_SCORE (the email and name count against it)',
      example,
    }),
  );
}
