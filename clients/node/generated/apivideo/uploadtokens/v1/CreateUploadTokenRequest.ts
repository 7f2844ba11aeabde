// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.CreateUploadToken.
 */
export interface CreateUploadTokenRequest {
  /**
   * Seconds until the new token expires, from 0 to 2147483647. 0 (the
   * default) creates a token that never expires. Negative values are
   * INVALID_ARGUMENT.
   */
  'ttl'?: (number);
}

/**
 * Request for UploadTokenService.CreateUploadToken.
 */
export interface CreateUploadTokenRequest__Output {
  /**
   * Seconds until the new token expires, from 0 to 2147483647. 0 (the
   * default) creates a token that never expires. Negative values are
   * INVALID_ARGUMENT.
   */
  'ttl': (number);
}
