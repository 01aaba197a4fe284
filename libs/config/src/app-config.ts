import type { LogLevel, NodeEnv } from './environment';

/** Typed configuration, parsed once at start-up by {@link loadConfig}; also the DI token. */
export abstract class AppConfig {
  abstract readonly env: NodeEnv;
  abstract readonly http: {
    readonly host: string;
    readonly controlPort: number;
    readonly appPort: number;
    readonly frontendUrl: string;
    readonly corsOrigins: readonly string[];
    readonly bodyLimitBytes: number;
    readonly shutdownTimeoutMs: number;
  };
  abstract readonly database: {
    /** The control database (helpdeskly_control). */
    readonly controlUrl: string;
    /** Administrative address of the PostgreSQL server where tenant databases are created. */
    readonly tenantServerUrl: string;
    readonly pgbouncer: { readonly host: string; readonly port: number };
    readonly tenantMigrationConcurrency: number;
  };
  abstract readonly auth: {
    readonly jwtSecret: string;
    readonly jwtExpiresIn: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly refreshTokenDays: number;
    readonly bcryptRounds: number;
    readonly dbEncryptionKey: string;
  };
  abstract readonly redis: { readonly url: string };
  abstract readonly logging: { readonly level: LogLevel; readonly pretty: boolean };
  abstract readonly features: { readonly metrics: boolean; readonly swagger: boolean };
}
