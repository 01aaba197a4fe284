import { expect } from 'expect';
import type { HttpResult } from './http-request';

/** Asserts an answer is RFC 9457 problem details with this status (and this `code`, when given). */
export function expectProblem(res: HttpResult, status: number, code?: string): void {
  expect({
    status: res.status,
    problem: res.headers.get('content-type')?.startsWith('application/problem+json'),
    ...(code ? { code: res.body.code } : {}),
  }).toEqual({ status, problem: true, ...(code ? { code } : {}) });
}
