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
  '_ttl'?: "ttl";
}
