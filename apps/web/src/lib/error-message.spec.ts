import { describe, it } from 'node:test';
import { expect } from 'expect';
import { HttpError, NetworkError, ProblemError } from '@helpdeskly/sdk';
import { errorMessage, isConflict, requestIdOf } from './error-message';

const problem = (status: number, extra: Record<string, unknown> = {}) =>
  new ProblemError(
    {
      type: 'about:blank',
      title: 'Invalid transition',
      status,
      code: 'invalid_transition',
      requestId: 'r-1',
      ...extra,
    },
    'PATCH',
    'http://app.test/v1/tickets/1',
    new Headers(),
  );

describe(errorMessage.name, () => {
  it("shows the problem's detail, else its title", () => {
    expect(errorMessage(problem(422, { detail: 'A CLOSED ticket cannot change.' }))).toBe(
      'A CLOSED ticket cannot change.',
    );
    expect(errorMessage(problem(422))).toBe('Invalid transition');
  });

  it('shows the field messages of a validation problem', () => {
    const error = problem(400, {
      detail: 'The request is invalid',
      errors: [{ field: 'body.email', message: 'email must be an email' }],
    });
    expect(errorMessage(error)).toBe('email must be an email');
  });

  it('words failures that are not problem details', () => {
    expect(errorMessage(new NetworkError('GET', 'http://x', { cause: new TypeError('fetch failed') }))).toMatch(
      /could not be reached/,
    );
    expect(errorMessage(new HttpError(502, 'GET', 'http://x', new Headers(), 'Bad gateway'))).toMatch(/had a problem/);
    expect(errorMessage(new Error('{"raw":"json"}'))).not.toContain('{');
  });
});

describe(isConflict.name, () => {
  it('is a 412 only', () => {
    expect(isConflict(problem(412))).toBe(true);
    expect(isConflict(problem(422))).toBe(false);
    expect(requestIdOf(problem(412))).toBe('r-1');
  });
});
