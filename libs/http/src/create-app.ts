import { type DynamicModule, Logger, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '@helpdeskly/config';
import { ProblemException, ProblemExceptionFilter, sendProblem, ValidationPipe } from '@helpdeskly/errors';
import { createLogger, type Logger as PinoLogger, NestPinoLogger, registerRequestLogging } from '@helpdeskly/logging';
import { clientErrorHandler, MAX_URL_LENGTH } from './client-error';
import { invalidTextProblem } from './invalid-text';
import { type ApiDescription, buildOpenApiDocument } from './openapi';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';

export interface CreateAppOptions {
  readonly config: AppConfig;
  readonly api: ApiDescription;
  /** Replaces the process logger (tests read what was logged). */
  readonly logger?: PinoLogger;
}

const VERSION = process.env.npm_package_version ?? '0.1.0';

/** The header a browser client sends to get (and give back) the refresh token as a cookie; its one value is `cookie`. */
export const SESSION_TRANSPORT_HEADER = 'x-session-transport';

/** The front-end origins whose pages may call the APIs with credentials: CORS_ORIGINS, else FRONTEND_URL's. */
export const allowedOrigins = (config: AppConfig): readonly string[] =>
  config.http.corsOrigins.length > 0 ? config.http.corsOrigins : [new URL(config.http.frontendUrl).origin];

/** What a browser app on an allowed origin may do across origins (the preflight's answer). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'if-match',
  'if-none-match',
  'idempotency-key',
  REQUEST_ID_HEADER,
  // A browser opts in to the refresh token in a cookie with it (control-api, docs/authentication.md).
  SESSION_TRANSPORT_HEADER,
] as const;
/** The answer headers its scripts may read: versions, created resources, replays, limits. */
export const CORS_EXPOSED_HEADERS = [
  REQUEST_ID_HEADER,
  'etag',
  'location',
  'idempotent-replayed',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
] as const;

/**
 * Builds an API the way both apps run it: Fastify with the body limit and request ids, URI
 * versioning (`/v1`; health, metrics and docs are version-neutral), the global validation pipe and
 * problem-details filter, JSON logs, CORS, security headers, and Swagger UI at /docs when enabled.
 */
export async function createApp(module: DynamicModule, options: CreateAppOptions): Promise<NestFastifyApplication> {
  const { config, api } = options;
  const logger =
    options.logger ?? createLogger({ name: api.name, level: config.logging.level, pretty: config.logging.pretty });
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: requestIdFor,
    // A hop count is valid for Fastify (proxy-addr) though the adapter's type omits it.
    trustProxy: config.http.trustProxy as string | boolean,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors the router raises before any hook or Nest sees the request (bad percent-encoding,
    // an over-long path parameter) get the same problem details.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(error, request, reply, new Logger('Errors')),
    // Node's parser refuses oversized headers (431) and broken HTTP before Fastify has a request.
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  const errorsLogger = new Logger('Errors');
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (request.raw.url !== undefined && request.raw.url.length > MAX_URL_LENGTH) {
      const detail = `The URL is longer than ${MAX_URL_LENGTH} characters.`;
      sendProblem(
        new ProblemException({ status: 414, code: 'uri_too_long', title: 'URI too long', detail }),
        request,
        reply,
        errorsLogger,
      );
      return reply;
    }
  });
  // The one place every route's input passes before our code: text PostgreSQL cannot store
  // (NUL, unpaired surrogates) in a header, path parameter, query value or body is refused here.
  fastify.addHook('preValidation', async (request, reply) => {
    const problem = invalidTextProblem(request);
    if (problem) {
      sendProblem(problem, request, reply, errorsLogger);
      return reply;
    }
  });
  // Fastify's own errors (malformed JSON, body limit) reach the global filter too: Nest installs
  // its exception layer as Fastify's error handler.
  registerRequestLogging(fastify, logger);
  // JSON only: a text/plain body is refused with 415 rather than handed to validation as a string.
  fastify.removeContentTypeParser('text/plain');

  await app.register(helmet, { global: true });
  // request.cookies and reply.setCookie: control-api's browser sessions keep the refresh token in one.
  await app.register(cookie);
  if (api.uploads) {
    // Parsed only by the routes that read files (request.parts()); a file over the limit is a 413.
    const { maxBytes, maxFiles } = config.attachments;
    await app.register(multipart, {
      throwFileSizeLimit: true,
      limits: {
        fileSize: maxBytes,
        files: maxFiles,
        fields: 10,
        fieldSize: 1024,
        parts: maxFiles + 10,
        headerPairs: 100,
      },
    });
  }
  app.enableCors({
    // Each allowed origin exactly, never `*`: the answers of credentialed requests (cookies) are theirs alone.
    origin: [...allowedOrigins(config)],
    credentials: true,
    // @fastify/cors defaults to GET,HEAD,POST: a browser app could not PATCH, PUT or DELETE.
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: 600,
  });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(new ValidationPipe());
  app.useGlobalFilters(new ProblemExceptionFilter());

  if (config.features.swagger) {
    SwaggerModule.setup('docs', app, buildOpenApiDocument(app, api, VERSION), { jsonDocumentUrl: 'docs/openapi.json' });
  }
  return app;
}
