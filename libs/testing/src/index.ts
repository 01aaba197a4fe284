export { LogCapture, startTestApp, testConfig, type RunningTestApp } from './test-app';
