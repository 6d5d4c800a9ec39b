// Errors shaped like the SDK v3's ServiceException: code in `name`, `$fault`, `$metadata.httpStatusCode`.
export interface AwsErrorLike extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId: string };
  Code?: string;
}

let requestCounter = 0;

export function awsError(name: string, message: string, httpStatusCode = 400): AwsErrorLike {
  const err = new Error(message) as AwsErrorLike;
  err.name = name;
  err.Code = name;
  err.$fault = httpStatusCode >= 500 ? 'server' : 'client';
  err.$metadata = { httpStatusCode, requestId: `req-${++requestCounter}` };
  return err;
}
