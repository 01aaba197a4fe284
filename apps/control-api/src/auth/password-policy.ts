import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import { AppConfig } from '@helpdeskly/config';
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
 * Refuses, with 400 `password_too_long`, a password longer than bcrypt reads: wherever a password
 * is accepted (login and current passwords included), so a longer one is never silently cut to
 * its first 72 bytes.
 */
export function assertPasswordFits(password: string, field = 'body.password'): void {
  if (Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES) return;
  const name = field.split('.').pop()!;
  throw new AuthenticationException(
    AuthenticationErrorCode.PasswordTooLong,
    `${name} must be at most ${PASSWORD_MAX_BYTES} bytes (UTF-8).`,
    {
      errors: [{ field, code: 'maxBytes', message: `${name} must be at most ${PASSWORD_MAX_BYTES} bytes` }],
      extensions: { maxBytes: PASSWORD_MAX_BYTES },
    },
  );
}

/**
 * The rules of a new password (sign-up, reset, change, invitation acceptance): at most 72 bytes,
 * at least PASSWORD_MIN_LENGTH characters, and a zxcvbn score of at least PASSWORD_MIN_SCORE with
 * the user's email, its local part and name as known words (zxcvbn-ts, English and common
 * dictionaries, loaded once when the app starts). The exact top-10,000 list stays as a cheap
 * first refusal with a plain reason.
 */
@Injectable()
export class PasswordPolicy {
  private readonly zxcvbn: ZxcvbnFactory;

  constructor(private readonly config: AppConfig) {
    this.zxcvbn = new ZxcvbnFactory({
      dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
      graphs: zxcvbnCommon.adjacencyGraphs,
      translations: zxcvbnEn.translations,
    });
    commonPasswords();
  }

  /** 400 `password_too_long`, or 422 `weak_password` naming `field` with zxcvbn's warning and suggestions. */
  assertAcceptable(password: string, context: { email?: string; name?: string } = {}, field = 'body.password'): void {
    assertPasswordFits(password, field);
    const name = field.split('.').pop()!;
    const { passwordMinLength: minLength, passwordMinScore: minScore } = this.config.auth;
    if (password.length < minLength) throw weak(field, 'minLength', `${name} must be at least ${minLength} characters`);
    if (commonPasswords().has(password.toLowerCase()))
      throw weak(field, 'commonPassword', `${name} is one of the most common passwords`);
    const inputs = [context.email, context.email?.split('@')[0], context.name]
      .filter((v): v is string => !!v && v.trim().length > 0)
      .map((v) => v.trim());
    const result = this.zxcvbn.check(password, inputs);
    if (result.score >= minScore) return;
    const reason = result.feedback.warning ?? 'This password is too easy to guess.';
    throw weak(
      field,
      'tooGuessable',
      `${name} is too easy to guess (strength ${result.score} of 4, at least ${minScore} needed): ${reason}`,
      {
        score: result.score,
        minScore,
        warning: result.feedback.warning,
        suggestions: result.feedback.suggestions,
      },
    );
  }
}

function weak(
  field: string,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): AuthenticationException {
  const errors: FieldError[] = [{ field, code, message }];
  return new AuthenticationException(AuthenticationErrorCode.WeakPassword, message, { errors, extensions });
}
