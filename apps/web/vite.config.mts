// The console's build and its dev/preview server. The browser only ever talks to this server's
// origin: /api/control and /api/app are proxied to control-api and app-api, so there is no CORS
// preflight and the refresh cookie is first-party. The targets
// are read here, on the server, and never reach the bundle.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const CONSOLE_PORT = 3000;

/** The proxy of both APIs, from HELPDESKLY_CONTROL_URL / HELPDESKLY_APP_URL (defaults: dev.sh's ports). */
function apiProxy(env: NodeJS.ProcessEnv = process.env): Record<string, ProxyOptions> {
  const control = env.HELPDESKLY_CONTROL_URL ?? `http://127.0.0.1:${env.CONTROL_PORT ?? 6500}`;
  const app = env.HELPDESKLY_APP_URL ?? `http://127.0.0.1:${env.APP_PORT ?? 6501}`;
  return {
    // The refresh cookie is scoped to /v1/auth; under the proxy's prefix its path says so.
    '/api/control': {
      target: control,
      rewrite: (path) => path.replace(/^\/api\/control/, ''),
      cookiePathRewrite: { '/v1/auth': '/api/control/v1/auth' },
    },
    '/api/app': { target: app, rewrite: (path) => path.replace(/^\/api\/app/, '') },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: { '@helpdeskly/sdk': fileURLToPath(new URL('../../libs/sdk/src', import.meta.url)) } },
  server: { port: CONSOLE_PORT, strictPort: true, proxy: apiProxy() },
  preview: { port: CONSOLE_PORT, strictPort: true, proxy: apiProxy() },
  build: { outDir: 'dist', emptyOutDir: true },
});
