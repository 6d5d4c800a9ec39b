// The request target (RFC 9112 §3.2) as the router needs it: a path. Origin-form (`/orders/x?y`) and absolute-form
// (`http://host/orders/x`, which servers must accept) give their path; anything that does not parse — `http://%`,
// an authority-form target outside CONNECT — is the client's error (400), never a dependency failure.
import { HttpError } from './http-response.js';

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function badTarget(why: string): HttpError {
  return new HttpError(400, 'INVALID_REQUEST_TARGET', `the request target ${why}`);
}

/** The target's path, percent-encoded as sent (segments are decoded by the route that reads them). */
export function requestPath(target: string | undefined): string {
  if (!target) throw badTarget('is empty');
  if (target === '*') return '*';
  let url: URL;
  try {
    // Origin-form is appended to a fixed origin, so `//orders` stays a path instead of naming a host.
    if (target.startsWith('/')) url = new URL(`http://gateway${target}`);
    else if (ABSOLUTE_FORM.test(target)) url = new URL(target);
    else throw badTarget(`"${printable(target)}" is neither a path nor an absolute URL`);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw badTarget(`"${printable(target)}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badTarget(`"${printable(target)}" is not an http(s) URL`);
  return url.pathname;
}

/** One percent-encoded path segment, decoded; malformed escapes (`%ZZ`, a cut UTF-8 sequence) are a 400. */
export function decodeSegment(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(
      400,
      'INVALID_PATH_ENCODING',
      `the ${name} in the path is not valid percent-encoded UTF-8: "${printable(segment)}"`,
    );
  }
}

/** At most 200 characters, control characters escaped: request targets end up in messages and logs. */
export function printable(s: string): string {
  const cut = s.length > 200 ? `${s.slice(0, 200)}…` : s;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a log line raw
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
