// Demo tickets for the demo tenant, created through the running APIs exactly as a person would
// (login, POST /v1/tickets, comments, tags), so numbers, events, SLA due times and the search
// index are all real. Development only; does nothing when the demo tenant already has tickets.
//   pnpm run seed:helpdesk     (scripts/dev.sh runs it once both APIs are ready)
import { loadConfig, loadDotEnv } from '@helpdeskly/config';

const DEMO = { email: 'demo@helpdeskly.local', password: 'Demo-Password-2026!', tenantSlug: 'acme' };

const TICKETS = [
  {
    subject: 'Printer on the third floor is smoking',
    description: 'It started after the toner change this morning.',
    priority: 'URGENT',
    type: 'INCIDENT',
    requester: { email: 'carol@example.com', name: 'Carol Danvers' },
    tags: ['hardware', 'office'],
    reply: 'Please unplug it; a technician is on the way.',
  },
  {
    subject: 'Cannot log in to the billing portal',
    description: 'Password reset email never arrives.',
    priority: 'HIGH',
    type: 'PROBLEM',
    requester: { email: 'bruce@example.com', name: 'Bruce Wayne' },
    tags: ['billing', 'login'],
    reply: 'We resent the reset email; please check your spam folder.',
  },
  {
    subject: "How do I export last month's invoices?",
    description: 'Our accountant needs them as CSV.',
    priority: 'NORMAL',
    type: 'QUESTION',
    requester: { email: 'diana@example.com', name: 'Diana Prince' },
    tags: ['billing'],
    reply: null,
  },
  {
    subject: 'Add a second admin to our account',
    description: 'Our office manager should manage users too.',
    priority: 'LOW',
    type: 'TASK',
    requester: { email: 'carol@example.com', name: 'Carol Danvers' },
    tags: ['account'],
    reply: null,
  },
  {
    subject: 'VPN drops every ten minutes',
    description: 'Since yesterday, on macOS and Windows alike.',
    priority: 'HIGH',
    type: 'INCIDENT',
    requester: { email: 'peter@example.com', name: 'Peter Parker' },
    tags: ['network'],
    reply: 'We are looking into the VPN concentrator logs.',
  },
] as const;

async function call<T>(
  method: string,
  url: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function main(): Promise<number> {
  loadDotEnv();
  const config = loadConfig();
  if (config.env === 'production') {
    console.error('seed-helpdesk is for development only');
    return 1;
  }
  const control = `http://127.0.0.1:${config.http.controlPort}/v1`;
  const app = `http://127.0.0.1:${config.http.appPort}/v1`;
  const { accessToken } = await call<{ accessToken: string }>('POST', `${control}/auth/login`, DEMO);
  const existing = await call<{ items: unknown[] }>('GET', `${app}/tickets?limit=1`, undefined, accessToken);
  if (existing.items.length > 0) {
    console.log('Demo tickets already there: nothing to do');
    return 0;
  }
  for (const [index, { reply, ...ticket }] of TICKETS.entries()) {
    const created = await call<{ id: string; number: number }>('POST', `${app}/tickets`, ticket, accessToken, {
      'idempotency-key': `demo-seed-ticket-${index + 1}`,
    });
    if (reply)
      await call('POST', `${app}/tickets/${created.id}/comments`, { body: reply, visibility: 'PUBLIC' }, accessToken);
  }
  console.log(`Created ${TICKETS.length} demo tickets in tenant ${DEMO.tenantSlug}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`seed-helpdesk: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
