// A local SMTP sink for development: every email the APIs send lands in MAIL_CATCHER_DIR and is
// listed at http://127.0.0.1:MAIL_CATCHER_HTTP_PORT/. Run with `pnpm run mail-catcher`.
//   MAIL_CATCHER_SMTP_PORT (1025)  SMTP port (SMTP_PORT of the APIs)
//   MAIL_CATCHER_HTTP_PORT (1080)  HTTP listing
//   MAIL_CATCHER_DIR (.dev/mail)   where the .eml files are written
import { resolve } from 'node:path';
import { MailCatcher } from '../libs/mail/src/catcher/mail-catcher';

async function main(): Promise<void> {
  const catcher = await MailCatcher.start({
    dir: resolve(process.env.MAIL_CATCHER_DIR ?? '.dev/mail'),
    smtpPort: Number(process.env.MAIL_CATCHER_SMTP_PORT ?? 1025),
    httpPort: Number(process.env.MAIL_CATCHER_HTTP_PORT ?? 1080),
  });
  console.log(`mail catcher: SMTP on 127.0.0.1:${catcher.smtpPort}, messages at http://127.0.0.1:${catcher.httpPort}/`);
  const stop = () => void catcher.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
