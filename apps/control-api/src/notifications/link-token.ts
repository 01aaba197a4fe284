/** `${FRONTEND_URL}/<path>?token=<token>`, whether or not FRONTEND_URL ends with a slash. */
export function frontendLink(frontendUrl: string, path: string, token: string): string {
  const url = new URL(path, frontendUrl.endsWith('/') ? frontendUrl : `${frontendUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
}
