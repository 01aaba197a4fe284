// STARTTLS on the inbound SMTP server with INBOUND_SMTP_TLS_CERT_FILE / _KEY_FILE: a certificate
// made for this run by openssl, a client that insists on TLS, and one that does not (an MX must
// take plaintext too: RFC 3207 forbids requiring TLS of a publicly referenced server).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { createTransport } from 'nodemailer';
import { writeSelfSignedCertificate } from '@helpdeskly/testing';
import { uniqueSuffix } from '../../../control-api/src/testing/control-fixture';
import { AppFixture, type FixtureMember } from '../testing/app-fixture';
import { InboundSmtpServer } from './inbound-smtp.server';

const DOMAIN = 'tls.inbound.test';

describe('inbound SMTP with STARTTLS', () => {
  let dir: string;
  let fx: AppFixture;
  let owner: FixtureMember;
  let port: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-inbound-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    writeSelfSignedCertificate([DOMAIN], { cert, key });
    fx = await AppFixture.start({
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_SMTP_PORT: '0',
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_SMTP_TLS_CERT_FILE: cert,
      INBOUND_SMTP_TLS_KEY_FILE: key,
      STORAGE_LOCAL_DIR: join(dir, 'storage'),
    });
    port = fx.running.app.get(InboundSmtpServer).port!;
    owner = await fx.createTenantWithOwner();
  });
  after(async () => {
    await fx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const subjects = async () =>
    (
      await fx.request<{ items: Array<{ subject: string }> }>('GET', '/v1/tickets?limit=100', { token: owner.token })
    ).body.items.map((t) => t.subject);

  it('upgrades a session that asks for TLS, and still takes mail in plaintext', async () => {
    const secure = `Over TLS ${uniqueSuffix()}`;
    const info = await createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      requireTLS: true,
      // The test's own self-signed certificate.
      tls: { rejectUnauthorized: false, servername: DOMAIN },
    }).sendMail({
      from: `tls-${uniqueSuffix()}@example.test`,
      to: `${owner.tenant.slug}@${DOMAIN}`,
      subject: secure,
      text: 'x',
    });
    expect(info.response).toMatch(/^250 /);
    const plain = `In plaintext ${uniqueSuffix()}`;
    await createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }).sendMail({
      from: `plain-${uniqueSuffix()}@example.test`,
      to: `${owner.tenant.slug}@${DOMAIN}`,
      subject: plain,
      text: 'y',
    });
    expect(await subjects()).toEqual(expect.arrayContaining([secure, plain]));
  });
});
