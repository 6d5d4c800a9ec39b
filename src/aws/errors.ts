// The one place an AWS SDK failure becomes a DrError. Every message names the operation, the resource and the
// region; a response the SDK could not parse (an emulator's or a proxy's HTML error page) adds the HTTP status and
// the first bytes of the body, which is what tells an operator that something other than AWS answered.
import { DrError, type ErrorKind } from '../errors.js';
import type { AwsServiceName, MessageCode } from '../io/message-codes.js';

/** One AWS call: `service:Operation`, what it acted on, and where. */
export interface AwsCall {
  /** e.g. `rds:DescribeDBInstances`. */
  operation: `${AwsServiceName}:${string}`;
  /** e.g. the DB instance identifier, `s3://bucket/key`, a parameter name. */
  resource: string;
  region: string;
}

export interface AwsErrorOptions {
  /** Stable error code; default `E_AWS_<SERVICE>`. */
  code?: MessageCode;
  fix?: string;
  /** Default `aws` (exit 3). */
  kind?: ErrorKind;
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; body?: unknown; $bodyText?: string };
  $responseBodyText?: unknown;
}

const shape = (err: unknown): SdkErrorShape => (err && typeof err === 'object' ? (err as SdkErrorShape) : {});

/** The SDK's error name (`ThrottlingException`, `DBInstanceNotFoundFault`, …), or '' for a non-error. */
export function errorName(err: unknown): string {
  const name = shape(err).name;
  return typeof name === 'string' ? name : '';
}

/** HTTP status of the failed call, when one arrived. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = shape(err);
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
]);

export function isThrottling(err: unknown): boolean {
  return THROTTLING_NAMES.has(errorName(err)) || httpStatusOf(err) === 429;
}

/** No answer at all: DNS, connection refused or reset, timeout. The call may be retried elsewhere (another region). */
export function isUnreachable(err: unknown): boolean {
  const e = shape(err);
  const code = typeof e.code === 'string' ? e.code : '';
  return (
    errorName(err) === 'TimeoutError' ||
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(code) ||
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up/.test(
      typeof e.message === 'string' ? e.message : '',
    )
  );
}

const BODY_PREVIEW = 120;

/** Names the SDK gives an error whose body it could not read as the service's error format. */
const UNREAD_NAMES = new Set(['Unknown', 'UnknownError', 'SyntaxError']);

/**
 * What came back when the SDK could not make sense of it: the status and the first bytes of the body. Undefined for
 * ordinary service errors (those have a name and a message of their own).
 */
export function unparseableResponse(err: unknown): { status: number | undefined; bodyStart: string } | undefined {
  const e = shape(err);
  const message = typeof e.message === 'string' ? e.message : '';
  const raw = typeof e.$responseBodyText === 'string' ? e.$responseBodyText : e.$response?.$bodyText;
  const deserialization = /Deserialization error|parse error|Unexpected token|is not valid JSON|mismatched tag/i.test(
    message,
  );
  const html = typeof raw === 'string' && /^\s*<(!doctype|html|head|body|h1)/i.test(raw);
  if (!deserialization && !html && !UNREAD_NAMES.has(errorName(err))) return undefined;
  const flat = (raw ?? '').replace(/\s+/g, ' ').trim();
  return {
    status: httpStatusOf(err),
    bodyStart: flat.length > BODY_PREVIEW ? `${flat.slice(0, BODY_PREVIEW)}…` : flat,
  };
}

function firstLine(message: unknown): string {
  // The SDK appends a hint about `$response` on a second line; the operator needs the first.
  return typeof message === 'string' ? (message.split('\n')[0] ?? '').trim() : String(message);
}

/** `rds:DescribeDBInstances db-dev in us-west-2 failed: DBInstanceNotFoundFault: …`, with a fix. */
export function awsCallError(call: AwsCall, err: unknown, opts: AwsErrorOptions = {}): DrError {
  if (err instanceof DrError) return err;
  const service = call.operation.split(':')[0] as AwsServiceName;
  const where = `${call.operation} ${call.resource} in ${call.region}`;
  const odd = unparseableResponse(err);
  let reason: string;
  let fix = opts.fix;
  if (odd) {
    reason = `unparseable response (HTTP ${odd.status ?? 'status unknown'}): ${odd.bodyStart ? `"${odd.bodyStart}"` : '(empty body)'}`;
    fix ??=
      'Something other than the AWS API answered (a proxy, a captive portal or an emulator error page): check --endpoint-url, AWS_ENDPOINT_URL* and the network, then re-run.';
  } else if (isUnreachable(err)) {
    reason = `no answer (${errorName(err) || 'network error'}: ${firstLine(shape(err).message)})`;
    fix ??= `Check the network path to ${service} in ${call.region} (or --endpoint-url); re-run when it answers.`;
  } else {
    reason = `${errorName(err) || 'Error'}: ${firstLine(shape(err).message ?? err)}`;
  }
  return new DrError({
    code: opts.code ?? `E_AWS_${service.toUpperCase() as Uppercase<AwsServiceName>}`,
    kind: opts.kind ?? 'aws',
    message: `${where} failed: ${reason}`,
    fix: fix ?? 'Check credentials (--profile), permissions and the region; re-run to resume.',
    cause: err,
  });
}
