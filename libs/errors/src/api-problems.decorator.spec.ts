import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiUnprocessableEntityResponse,
  type OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ApiProblems } from './api-problems.decorator';
import { defineErrors } from './define-errors';

const SpoolErrorCode = defineErrors('spools', {
  SpoolNotFound: { code: 'spool_not_found', status: 404, title: 'Spool not found' },
  ThreadNotFound: { code: 'thread_not_found', status: 404, title: 'Thread not found' },
  SpoolTangled: { code: 'spool_tangled', status: 409, title: 'Spool tangled' },
}).codes;
// The same code in two domains with two statuses, as `tenant_unavailable` is.
const loomProblems = defineErrors('looms', {
  SpoolTangled: { code: 'spool_tangled', status: 422, title: 'Spool tangled on the loom' },
}).Exception.problems;

@Controller('spools')
class SpoolsController {
  @Get('by-code')
  @ApiOkResponse({ description: 'A spool' })
  @ApiProblems(SpoolErrorCode.SpoolNotFound, SpoolErrorCode.ThreadNotFound, loomProblems.SpoolTangled)
  byCode() {}

  @Get('by-hand')
  @ApiOkResponse({ description: 'A spool' })
  @ApiNotFoundResponse({ description: '`spool_not_found`, `thread_not_found`' })
  @ApiUnprocessableEntityResponse({ description: '`spool_tangled`' })
  byHand() {}
}

@Module({ controllers: [SpoolsController] })
class SpoolsModule {}

describe(ApiProblems.name, () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  before(async () => {
    app = await NestFactory.create(SpoolsModule, new FastifyAdapter(), { logger: false });
    document = SwaggerModule.createDocument(app, { openapi: '3.0.0', info: { title: 't', version: '1' } });
  });
  after(() => app.close());

  it('documents one response per status, naming its codes, as the hand-written decorators do', () => {
    const byCode = document.paths['/spools/by-code'].get?.responses;
    expect(byCode).toEqual({
      '200': { description: 'A spool' },
      '404': { description: '`spool_not_found`, `thread_not_found`' },
      '422': { description: '`spool_tangled`' },
    });
    expect(document.paths['/spools/by-hand'].get?.responses).toEqual(byCode);
  });

  it('refuses a code no domain declares, and a code whose status is ambiguous', () => {
    expect(() => ApiProblems('spool_unknown')).toThrow(/no defineErrors declares the code spool_unknown/);
    expect(() => ApiProblems(SpoolErrorCode.SpoolTangled)).toThrow(/409 in spools, 422 in looms/);
  });
});
