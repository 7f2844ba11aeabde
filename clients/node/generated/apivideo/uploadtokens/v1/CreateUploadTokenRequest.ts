// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.CreateUploadToken.
 */
export interface CreateUploadTokenRequest {
  /**
   * Seconds until the new token expires, from 0 to 2147483647; 0 creates a
   * token that never expires. Negative values are INVALID_ARGUMENT.
   * 
   * When not set, the caller's policy default applies (0 when the gateway has
   * no policy for the caller). A ttl above the caller's maximum, or 0 when the
   * caller may not create tokens that never expire, is INVALID_ARGUMENT with a
   * google.rpc.BadRequest on `ttl` that names the limit.
   */
  'ttl'?: (number);
  /**
   * Makes the call safe to retry (https://google.aip.dev/155): a UUID that
   * the caller makes once per token it wants, e.g.
   * "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f"; anything else is
   * INVALID_ARGUMENT. Empty: every call creates a token.
   * 
   * The same caller sending the same request_id again within 24 hours gets
   * the token of the first call back, and no second token is created; while
   * the first call is still running, the retry waits for it. The gateway
   * keeps a Create with a request_id running after its caller has gone (a
   * deadline, a cut connection), for up to the gateway's upstream timeout,
   * so that a retry finds its token. The same request_id with another ttl is
   * INVALID_ARGUMENT (reason REQUEST_ID_REUSED).
   * 
   * When the first call was sent to api.video and no answer came, nobody
   * knows whether the token was created: a retry is then ABORTED, reason
   * CREATE_OUTCOME_UNKNOWN, with the time of the attempt in the ErrorInfo's
   * metadata (attemptedAt), and never creates a second token. The caller
   * should then list its own tokens (filter `creator = "<caller>"`), look for
   * one created at that time with that ttl, delete it if it is not wanted,
   * and create again with a new request_id.
   * 
   * Request ids are shared by the gateway's replicas when they share a Redis
   * server: a retry may reach any replica, and one that finds the first
   * create still running on another waits for it (ABORTED, reason
   * CREATE_IN_PROGRESS, if that takes longer than the gateway's upstream
   * timeout). A replica also remembers them itself, across restarts with an
   * audit log.
   */
  'requestId'?: (string);
  '_ttl'?: "ttl";
}

/**
 * Request for UploadTokenService.CreateUploadToken.
 */
export interface CreateUploadTokenRequest__Output {
  /**
   * Seconds until the new token expires, from 0 to 2147483647; 0 creates a
   * token that never expires. Negative values are INVALID_ARGUMENT.
   * 
   * When not set, the caller's policy default applies (0 when the gateway has
   * no policy for the caller). A ttl above the caller's maximum, or 0 when the
   * caller may not create tokens that never expire, is INVALID_ARGUMENT with a
   * google.rpc.BadRequest on `ttl` that names the limit.
   */
  'ttl'?: (number);
  /**
   * Makes the call safe to retry (https://google.aip.dev/155): a UUID that
   * the caller makes once per token it wants, e.g.
   * "4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f"; anything else is
   * INVALID_ARGUMENT. Empty: every call creates a token.
   * 
   * The same caller sending the same request_id again within 24 hours gets
   * the token of the first call back, and no second token is created; while
   * the first call is still running, the retry waits for it. The gateway
   * keeps a Create with a request_id running after its caller has gone (a
   * deadline, a cut connection), for up to the gateway's upstream timeout,
   * so that a retry finds its token. The same request_id with another ttl is
   * INVALID_ARGUMENT (reason REQUEST_ID_REUSED).
   * 
   * When the first call was sent to api.video and no answer came, nobody
   * knows whether the token was created: a retry is then ABORTED, reason
   * CREATE_OUTCOME_UNKNOWN, with the time of the attempt in the ErrorInfo's
   * metadata (attemptedAt), and never creates a second token. The caller
   * should then list its own tokens (filter `creator = "<caller>"`), look for
   * one created at that time with that ttl, delete it if it is not wanted,
   * and create again with a new request_id.
   * 
   * Request ids are shared by the gateway's replicas when they share a Redis
   * server: a retry may reach any replica, and one that finds the first
   * create still running on another waits for it (ABORTED, reason
   * CREATE_IN_PROGRESS, if that takes longer than the gateway's upstream
   * timeout). A replica also remembers them itself, across restarts with an
   * audit log.
   */
  'requestId': (string);
  '_ttl'?: "ttl";
}
