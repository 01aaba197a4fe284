import { Global, Module } from '@nestjs/common';
import { JwtKeySource } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { OutboundHttp, ResilienceModule } from '@helpdeskly/resilience';
import { EnvironmentSecrets } from './environment-secrets';
import { Secrets } from './secrets';
import { VaultSecrets } from './vault-secrets';

/**
 * Provides {@link Secrets}: from Vault when VAULT_ADDR is set (read before the app finishes
 * starting: unreachable, and the app refuses to start), else from the environment.
 */
@Global()
@Module({
  imports: [ResilienceModule],
  providers: [
    {
      provide: Secrets,
      useFactory: (config: AppConfig, http: OutboundHttp, metrics: MetricsRegistry): Promise<Secrets> | Secrets =>
        config.vault ? VaultSecrets.start(config, http, metrics) : new EnvironmentSecrets(config),
      inject: [AppConfig, OutboundHttp, MetricsRegistry],
    },
    { provide: JwtKeySource, useExisting: Secrets },
  ],
  exports: [Secrets, JwtKeySource],
})
export class SecretsModule {}
