// Entry of the email worker child process of the reliability tests (spawnEmailWorker).
import { EmailProcessor } from '../email.processor';
import { startEmailWorker } from './email-worker';

async function main(): Promise<void> {
  const app = await startEmailWorker();
  await app.get(EmailProcessor).worker.waitUntilReady();
  console.log('email worker ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
