/** `${FRONTEND_URL}/<path>`, whether or not FRONTEND_URL ends with a slash, with `query` set. */
export function frontendLink(frontendUrl: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, frontendUrl.endsWith('/') ? frontendUrl : `${frontendUrl}/`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

/** `${FRONTEND_URL}/tickets/<number>`. */
export const ticketLink = (frontendUrl: string, number: number) => frontendLink(frontendUrl, `tickets/${number}`);
