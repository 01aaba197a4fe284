import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Body, Controller, Logger, Module, Post } from '@nestjs/common';
import { IsString } from 'class-validator';
import { type RunningTestApp, startTestApp, testConfig } from '@helpdeskly/testing';

const PASSWORD = 'Correct-Horse-Battery-9';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DP';
const DB_PASSWORD = 'tenant-db-pw-7f3a9c';
const REFRESH = 'rt_4f9d2c7e8b1a6f3d';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJ0aWQiOiJ0LTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

class LoginDto {
  @IsString() email: string;
  @IsString() password: string;
}

/** Logs the way careless code would: whole DTOs, secrets in objects, URLs with passwords. */
@Controller('careless')
class CarelessController {
  private readonly logger = new Logger('Careless');

  @Post('login')
  login(@Body() dto: LoginDto) {
    this.logger.log({ msg: 'login attempt', dto, totpSecret: TOTP_SECRET, refreshToken: REFRESH });
    this.logger.warn(`connecting to postgresql://t_acme:${DB_PASSWORD}@127.0.0.1:6432/helpdeskly_t_acme`);
    this.logger.log(`issued Bearer ${JWT}`);
    throw new Error(`could not reach postgresql://t_acme:${DB_PASSWORD}@127.0.0.1:6432/acme with password=${PASSWORD}`);
  }
}

@Module({ controllers: [CarelessController] })
class CarelessModule {}

describe('Secrets in logs', () => {
  let running: RunningTestApp;
  before(async () => {
    running = await startTestApp({ module: CarelessModule }, { config: testConfig({ LOG_LEVEL: 'trace' }) });
  });
  after(() => running.close());

  it('never writes passwords, tokens, TOTP secrets or database passwords', async () => {
    const response = await fetch(`${running.baseUrl}/v1/careless/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${JWT}`, cookie: `refresh=${REFRESH}` },
      body: JSON.stringify({ email: 'a@example.com', password: PASSWORD }),
    });
    expect(response.status).toBe(500);
    const text = running.logs.text;
    // The lines were written (so the test can fail), with the secrets masked.
    expect(text).toContain('login attempt');
    expect(text).toContain('a@example.com');
    expect(text).toContain('Unhandled error while serving request');
    for (const secret of [PASSWORD, TOTP_SECRET, DB_PASSWORD, REFRESH, JWT]) expect(text).not.toContain(secret);
  });

  it('masks the secrets of the configuration if it is ever logged', () => {
    const config = running.config;
    new Logger('Config').log({ msg: 'config', config });
    const line = running.logs.lines.at(-1)!;
    expect(line).toContain('"config"');
    expect(line).not.toContain(config.auth.jwtSecret);
    expect(line).not.toContain(config.auth.dbEncryptionKey);
  });
});
