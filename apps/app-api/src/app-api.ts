import type { ApiDescription } from '@helpdeskly/http';

export const APP_API: ApiDescription = {
  name: 'app-api',
  title: 'Helpdeskly app API',
  description: "Each tenant's helpdesk: tickets, comments, contacts, tags, search and history.",
  uploads: true,
};
