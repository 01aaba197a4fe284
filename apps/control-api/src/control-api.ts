import type { ApiDescription } from '@helpdeskly/http';

export const CONTROL_API: ApiDescription = {
  name: 'control-api',
  title: 'Helpdeskly control API',
  description: 'Tenants, users, memberships and authentication.',
};
