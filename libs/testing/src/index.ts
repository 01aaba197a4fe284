export { type ApiProcess, startApiProcess } from './api-process';
export { TcpProxy } from './tcp-proxy';
export { LogCapture, startTestApp, testConfig, type RunningTestApp } from './test-app';
export { unitConfig, unitEnv } from './unit-config';
export { waitFor } from './wait-for';
export { writeSelfSignedCertificate } from './self-signed-certificate';
export { deliveryStatusNotification, type DsnRecipient } from './delivery-status-notification';
export { apiFoundationSuite, type ApiUnderTest } from './api-foundation.suite';
export { freePort } from './free-port';
export { httpRequest, type HttpRequestOptions, type HttpResult } from './http-request';
export { RedisServer } from './redis-server';
export { DovecotServer } from './dovecot-server';
export { RedisCluster } from './redis-cluster';
export { VaultStandIn, type VaultRequest } from './vault-stand-in';
export { PG_BIN, PostgresCluster, type PostgresClusterOptions, asPostgres, ownedByPostgres } from './postgres-cluster';
export { ProductionPgBouncer, type ProductionPgBouncerEnv } from './pgbouncer-process';
export {
  answerProblem,
  type FuzzAnswer,
  type FuzzFailure,
  type FuzzIdentity,
  type FuzzOperation,
  type FuzzReport,
  type FuzzRequest,
  fuzzOpenApi,
  fuzzSettings,
  type OpenApiDocument,
  operationsOf,
} from './openapi-fuzz';
export {
  answersDiffer,
  type CrossTenantCase,
  type CrossTenantMatrixOptions,
  type CrossTenantReport,
  crossTenantMatrix,
  idOperationsOf,
  type ParameterValue,
  pathParameterKeys,
} from './cross-tenant-matrix';
export { expectProblem } from './expect-problem';
export { expectFuzzPassed, loggedErrorOf } from './fuzz-verdict';
export { CHROMIUM, launchChromium } from './chromium';
