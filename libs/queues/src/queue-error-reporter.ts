import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES } from './queue-names';

/**
 * Listens to the 'error' event of every producer queue: without a listener a Redis outage would
 * surface as unhandled errors. One warning per queue and outage; the next ones at debug level.
 */
@Injectable()
export class QueueErrorReporter implements OnModuleInit {
  private readonly logger = new Logger(QueueErrorReporter.name);

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of QUEUE_NAMES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      let reported = false;
      queue.on('error', (error) => {
        if (reported) this.logger.debug({ queue: name, err: error }, 'queue Redis connection error');
        else this.logger.warn({ queue: name, err: error }, 'queue Redis connection error; retrying in the background');
        reported = true;
      });
    }
  }
}
