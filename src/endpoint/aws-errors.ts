/**
 * Lambda's error responses as the SDKs parse them: the error name in the `x-amzn-ErrorType` header (the SDK's
 * REST-JSON protocol reads the header first, then `code`/`__type` in the body) and a JSON body with `Type` and a
 * message. Bodies follow what Lambda returns (e.g. 429: {"Reason":..,"Type":"User","message":"Rate Exceeded."}).
 */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly body: Record<string, unknown>,
  ) {
    super(`${errorType}: ${String(body.message ?? body.Message ?? '')}`);
    this.name = 'LambdaApiError';
  }
}

export type ThrottleReason =
  | 'ReservedFunctionConcurrentInvocationLimitExceeded'
  | 'ConcurrentInvocationLimitExceeded'
  | 'CallerRateLimitExceeded';

export const apiErrors = {
  functionNotFound: (arn: string): LambdaApiError =>
    new LambdaApiError(404, 'ResourceNotFoundException', { Type: 'User', Message: `Function not found: ${arn}` }),
  notFound: (what: string): LambdaApiError =>
    new LambdaApiError(404, 'ResourceNotFoundException', { Type: 'User', Message: what }),
  invalidParameter: (message: string): LambdaApiError =>
    new LambdaApiError(400, 'InvalidParameterValueException', { Type: 'User', message }),
  invalidRequestContent: (message: string): LambdaApiError =>
    new LambdaApiError(400, 'InvalidRequestContentException', { Type: 'User', message }),
  requestTooLarge: (limit: number): LambdaApiError =>
    new LambdaApiError(413, 'RequestTooLargeException', {
      Type: 'User',
      message: `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    }),
  conflict: (message: string): LambdaApiError =>
    new LambdaApiError(409, 'ResourceConflictException', { Type: 'User', message }),
  tooManyRequests: (reason: ThrottleReason): LambdaApiError =>
    new LambdaApiError(429, 'TooManyRequestsException', { Reason: reason, Type: 'User', message: 'Rate Exceeded.' }),
  unknownOperation: (method: string, path: string): LambdaApiError =>
    new LambdaApiError(404, 'UnknownOperationException', { Type: 'User', message: `no route for ${method} ${path} on the local endpoint` }),
  service: (message: string): LambdaApiError =>
    new LambdaApiError(500, 'ServiceException', { Type: 'Service', Message: message }),
};
