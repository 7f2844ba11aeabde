// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.DeleteUploadToken.
 */
export interface DeleteUploadTokenRequest {
  /**
   * The token to delete: 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.
   */
  'token'?: (string);
}

/**
 * Request for UploadTokenService.DeleteUploadToken.
 */
export interface DeleteUploadTokenRequest__Output {
  /**
   * The token to delete: 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.
   */
  'token': (string);
}
