export { type ApiProcess, startApiProcess } from './api-process';
export { TcpProxy } from './tcp-proxy';
export { LogCapture, startTestApp, testConfig, type RunningTestApp } from './test-app';
export { waitFor } from './wait-for';
export { apiFoundationSuite, type ApiUnderTest } from './api-foundation.suite';
export { freePort } from './free-port';
export { httpRequest, type HttpRequestOptions, type HttpResult } from './http-request';
export { RedisServer } from './redis-server';
export { RedisCluster } from './redis-cluster';
