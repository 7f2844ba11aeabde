// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.GetUploadToken.
 */
export interface GetUploadTokenRequest {
  /**
   * The token to get: 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.
   */
  'token'?: (string);
}

/**
 * Request for UploadTokenService.GetUploadToken.
 */
export interface GetUploadTokenRequest__Output {
  /**
   * The token to get: 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.
   */
  'token': (string);
}
