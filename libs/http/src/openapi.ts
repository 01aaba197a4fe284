import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_BASE } from '@helpdeskly/errors';

export interface ApiDescription {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Takes file uploads (multipart/form-data, @fastify/multipart) within ATTACHMENT_MAX_BYTES and _MAX_FILES. */
  readonly uploads?: boolean;
}

export function buildOpenApiDocument(app: INestApplication, api: ApiDescription, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(api.title)
    .setDescription(
      `${api.description}\n\nErrors are RFC 9457 problem details (application/problem+json); problem types live under ${PROBLEM_BASE}.`,
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}
