// HTTP as a dependency: health probes and canary writes go through an HttpProbe so tests can stand in for the
// gateways; the real one is fetch with a per-request timeout. A network failure is status 0, never an exception.
export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Set when no HTTP answer arrived (DNS, TCP, TLS failure or timeout). */
  error?: string;
}

export interface HttpProbe {
  request(method: 'GET' | 'POST', url: string, body?: unknown): Promise<HttpAnswer>;
}

export function fetchProbe(timeoutMs = 5_000): HttpProbe {
  return {
    async request(method, url, body) {
      try {
        const res = await fetch(url, {
          method,
          signal: AbortSignal.timeout(timeoutMs),
          ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON (e.g. an ALB error page): keep the text.
        }
        return { status: res.status, body: parsed };
      } catch (err) {
        return { status: 0, body: undefined, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

export function isOk(a: HttpAnswer): boolean {
  return a.status >= 200 && a.status < 300;
}
