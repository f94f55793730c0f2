/** One HTTP exchange as the client saw it; status 0 with `error` when no response arrived. */
export interface Reply {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
  ms: number;
  error?: string;
  headers: Headers | null;
}

/** Sends one request to a loopback gateway (fetch keeps connections alive between calls). */
export async function send(
  baseUrl: string,
  method: string,
  pathWithQuery: string,
  o: { token?: string; body?: string; contentType?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  const t0 = performance.now();
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  try {
    const res = await fetch(baseUrl + pathWithQuery, {
      method,
      headers,
      body: o.body,
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      text,
      json,
      ms: performance.now() - t0,
      headers: res.headers,
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return {
      status: 0,
      contentType: '',
      text: '',
      json: undefined,
      ms: performance.now() - t0,
      error: err.cause?.code ?? err.name,
      headers: null,
    };
  }
}

export const isProblem = (r: Reply) => /^application\/problem\+json/.test(r.contentType);
