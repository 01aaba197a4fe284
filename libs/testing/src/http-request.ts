export interface HttpResult<T = any> {
  readonly status: number;
  /** Parsed JSON when the answer is JSON, the text otherwise, undefined when empty. */
  readonly body: T;
  readonly headers: Headers;
}

export interface HttpRequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One HTTP call to a test app as a client would make it: bearer token, JSON body (or a FormData, sent as multipart/form-data). */
export async function httpRequest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: HttpRequestOptions = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const form = options.body instanceof FormData ? options.body : undefined;
  if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return {
    status: response.status,
    body: (text && json ? JSON.parse(text) : text || undefined) as T,
    headers: response.headers,
  };
}
