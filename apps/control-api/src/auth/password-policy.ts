import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FieldError } from '@helpdeskly/errors';
import { AuthenticationErrorCode, AuthenticationException } from './auth.errors';

const LIST_FILE = 'common-passwords.txt';
/** bcrypt ignores every byte past the 72nd: a longer password would be silently truncated. */
export const PASSWORD_MAX_BYTES = 72;

let common: ReadonlySet<string> | undefined;

/**
 * The 10,000 most common passwords (see the file's header for its source), read once. The file
 * sits next to this module, in the sources and in dist/ (an asset in nest-cli.json).
 */
export function commonPasswords(): ReadonlySet<string> {
  if (common) return common;
  // Beside this module in the sources and in dist/ (nest-cli.json copies it as an asset).
  const path = join(__dirname, LIST_FILE);
  if (!existsSync(path)) throw new Error(`${LIST_FILE} not found in ${__dirname}`);
  common = new Set(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

/**
 * Refuses a password that is too short, longer than bcrypt reads, among the most common ones, or
 * the user's own email or name; throws a 422 `weak_password` naming `body.password`.
 */
export function assertAcceptablePassword(password: string, minLength: number, context: { email?: string; name?: string } = {}): void {
  const errors: FieldError[] = [];
  const lowered = password.toLowerCase();
  if (password.length < minLength) errors.push({ field: 'body.password', code: 'minLength', message: `password must be at least ${minLength} characters` });
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) errors.push({ field: 'body.password', code: 'maxBytes', message: `password must be at most ${PASSWORD_MAX_BYTES} bytes` });
  if (commonPasswords().has(lowered)) errors.push({ field: 'body.password', code: 'commonPassword', message: 'password is one of the most common passwords' });
  const personal = [context.email, context.email?.split('@')[0], context.name].filter((v): v is string => !!v && v.trim().length > 0).map((v) => v.trim().toLowerCase());
  if (personal.includes(lowered.trim())) errors.push({ field: 'body.password', code: 'personalInformation', message: 'password must not be your email or name' });
  if (errors.length > 0) throw new AuthenticationException(AuthenticationErrorCode.WeakPassword, errors.map((e) => e.message).join('; '), { errors });
}
