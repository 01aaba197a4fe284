import { describe, it } from 'node:test';
import { expect } from 'expect';
import { BadRequestException } from '@nestjs/common';
import { toProblem } from './to-problem';

describe(toProblem.name, () => {
  it('answers a saturated database pool with 503 and Retry-After, not 500', () => {
    for (const error of [new Error('timeout exceeded when trying to connect'), Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' })]) {
      const mapped = toProblem(error, 'req-1');
      expect(mapped.body).toMatchObject({ status: 503, code: 'database_busy', requestId: 'req-1' });
      expect(mapped.headers).toEqual({ 'retry-after': '1' });
      expect(mapped.serverError).toBe(false);
    }
  });

  it('keeps any other unexpected error a 500 that says nothing of it', () => {
    const mapped = toProblem(new Error('connect ECONNREFUSED 10.0.0.5:5432 for user admin'), 'req-2');
    expect(mapped.body).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(mapped.body)).not.toContain('ECONNREFUSED');
    expect(mapped.serverError).toBe(true);
  });

  it('keeps client errors as they are', () => {
    expect(toProblem(new BadRequestException('Validation failed (uuid is expected)'), 'req-3').body).toMatchObject({ status: 400, code: 'bad_request', detail: 'Validation failed (uuid is expected)' });
  });
});
