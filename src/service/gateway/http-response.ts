// What the gateway answers: JSON bodies, and errors as `{ error: { code, message, details? } }` with their status and
// headers. An HttpError thrown anywhere in a handler becomes that answer.
import type http from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function errorBody(err: HttpError): { error: { code: string; message: string; details?: unknown } } {
  return {
    error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
  };
}

export function sendError(res: http.ServerResponse, err: HttpError): void {
  send(res, err.status, errorBody(err), err.headers);
}

/** A raw HTTP/1.1 error response for a socket the HTTP parser gave up on (no ServerResponse exists then). */
export function rawErrorResponse(err: HttpError): string {
  const text = JSON.stringify(errorBody(err));
  const reason = {
    400: 'Bad Request',
    408: 'Request Timeout',
    413: 'Payload Too Large',
    431: 'Request Header Fields Too Large',
  }[err.status];
  return [
    `HTTP/1.1 ${err.status} ${reason ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    'cache-control: no-store',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
    '',
    text,
  ].join('\r\n');
}
