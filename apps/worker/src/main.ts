import 'reflect-metadata';
import { bootstrap } from '@helpdeskly/http';
import { WorkerModule } from './worker.module';

void bootstrap(
  {
    name: 'worker',
    title: 'Helpdeskly worker',
    description: 'Consumers of the job queues: emails, provisioning, tenant migrations, maintenance.',
  },
  (config) => WorkerModule.forRoot(config),
  (config) => config.queues.workerPort,
);
