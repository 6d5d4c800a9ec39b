// Keeps the first bytes of an error response (or of any HTML answer) where the error mapper can read them: the SDK
// consumes the body while failing to parse it, and what an operator needs to see then is what actually answered
// (an emulator's, a proxy's or a captive portal's page). Successful API responses are left streaming untouched.
const KEEP_BYTES = 1024;

interface CapturableResponse {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface MiddlewareClient {
  middlewareStack: { addRelativeTo(middleware: unknown, options: Record<string, unknown>): void };
}

async function collect(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (!body || typeof body !== 'object' || !(Symbol.asyncIterator in body)) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Adds the capture to a client; the text ends up on the error's `$response.$bodyText`. */
export function captureErrorBodies<C>(client: C): C {
  const middleware = (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as CapturableResponse;
    const type = Object.entries(response.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    if ((response.statusCode ?? 200) >= 300 || /text\/html/i.test(type)) {
      const bytes = await collect(response.body);
      if (bytes) {
        // The deserializer reads the body again: hand it the bytes.
        response.body = bytes;
        Object.defineProperty(response, '$bodyText', {
          value: Buffer.from(bytes.subarray(0, KEEP_BYTES)).toString('utf8'),
          enumerable: false,
        });
      }
    }
    return result;
  };
  (client as MiddlewareClient).middlewareStack.addRelativeTo(middleware, {
    relation: 'after',
    toMiddleware: 'deserializerMiddleware',
    name: 'drctlCaptureErrorBody',
    override: true,
  });
  return client;
}
