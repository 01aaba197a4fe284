import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { ProblemDetails as ServerProblemDetails } from '@helpdeskly/errors';
import { errorOf, HttpError, type ProblemDetails, ProblemError, problemCodeOf } from './problem-error';

// Fails to compile when libs/errors' problem details change in a way the SDK does not read.
const _serverProblemsAreReadable = (problem: ServerProblemDetails): ProblemDetails => problem;

const request = new Request('http://app.test/v1/tickets', { method: 'POST' });
const answer = (body: string, contentType: string, status = 422) =>
  new Response(body, { status, headers: { 'content-type': contentType } });

describe(errorOf.name, () => {
  it('reads problem details whatever the parameters of the content type', async () => {
    const body = JSON.stringify({
      type: 'https://helpdeskly.dev/problems/invalid-transition',
      title: 'Invalid transition',
      status: 422,
      code: 'invalid_transition',
      requestId: 'r-9',
      from: 'CLOSED',
    });
    const error = await errorOf(request, answer(body, 'Application/Problem+JSON; charset=utf-8'));
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      status: 422,
      code: 'invalid_transition',
      requestId: 'r-9',
      problem: { from: 'CLOSED' },
    });
    expect((error as ProblemError).errors).toEqual([]);
    expect((error as ProblemError).fields).toEqual({});
  });

  it('falls back to an HttpError for a body that is not problem details', async () => {
    for (const response of [
      answer('not json', 'application/problem+json', 502),
      answer('{"message":"no"}', 'application/problem+json', 502),
      answer('{"code":"x","title":"t","status":502}', 'application/json', 502),
    ]) {
      const error = await errorOf(request, response);
      expect(error).toBeInstanceOf(HttpError);
      expect(error).not.toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({
        status: 502,
        method: 'POST',
        message: 'POST http://app.test/v1/tickets answered 502',
      });
    }
  });
});

describe(problemCodeOf.name, () => {
  it('answers the code and leaves the body to read', async () => {
    const response = answer(
      '{"code":"token_expired","title":"Token expired","status":401}',
      'application/problem+json',
      401,
    );
    expect(await problemCodeOf(response)).toBe('token_expired');
    expect(await response.json()).toMatchObject({ code: 'token_expired' });
    expect(await problemCodeOf(answer('{}', 'text/plain', 401))).toBeUndefined();
  });
});
