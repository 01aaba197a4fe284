// Before any load: one request of a scenario to app-api and to the baseline, and whether both
// answered 2xx with deep-equal JSON bodies (key order aside), ignoring only the named fields.
import type { RequestShape } from './load';

export interface SameAnswer {
  readonly same: boolean;
  /** Top-level fields left out of the comparison, and why they legitimately differ. */
  readonly ignored: readonly string[];
  readonly appStatus: number;
  readonly baselineStatus: number;
  /** Sizes of the two bodies in bytes; equal JSON may still differ in key order or spacing. */
  readonly bytes: { readonly app: number; readonly baseline: number; readonly identical: boolean };
  /** The first difference, when not the same. */
  readonly difference?: string;
}

const show = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

/** The path of the first difference between two JSON values, or undefined when deep-equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d =
        i < a.length && i < b.length
          ? firstDifference(a[i], b[i], `${path}[${i}]`)
          : `${path}.length: ${a.length} vs ${b.length}`;
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (d) return d;
    }
    return undefined;
  }
  return `${path}: app ${show(a)} vs baseline ${show(b)}`;
}

async function answer(
  baseUrl: string,
  request: RequestShape,
): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: response.status, body, text };
}

const without = (body: unknown, fields: readonly string[]) =>
  body && typeof body === 'object' && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body).filter(([k]) => !fields.includes(k)))
    : body;

/** `ignored` are top-level field names that legitimately differ between the two answers (named in the report). */
export async function compareAnswers(
  appUrl: string,
  baselineUrl: string,
  request: RequestShape,
  ignored: readonly string[] = [],
): Promise<SameAnswer> {
  const app = await answer(appUrl, request);
  const baseline = await answer(baselineUrl, request);
  const ok = (s: number) => s >= 200 && s < 300;
  const bytes = {
    app: Buffer.byteLength(app.text),
    baseline: Buffer.byteLength(baseline.text),
    identical: app.text === baseline.text,
  };
  if (!ok(app.status) || !ok(baseline.status) || app.status !== baseline.status) {
    return {
      same: false,
      ignored,
      appStatus: app.status,
      baselineStatus: baseline.status,
      bytes,
      difference: `status: app ${app.status} ${show(app.body)} vs baseline ${baseline.status} ${show(baseline.body)}`,
    };
  }
  const difference = firstDifference(without(app.body, ignored), without(baseline.body, ignored));
  return {
    same: difference === undefined,
    ignored,
    appStatus: app.status,
    baselineStatus: baseline.status,
    bytes,
    ...(difference ? { difference } : {}),
  };
}
