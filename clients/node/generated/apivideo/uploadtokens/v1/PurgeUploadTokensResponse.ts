// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Response of UploadTokenService.PurgeUploadTokens.
 */
export interface PurgeUploadTokensResponse {
  /**
   * How many tokens the filter matched (force false) or were deleted (force
   * true).
   */
  'purgeCount'?: (number);
  /**
   * Up to 100 of those tokens, oldest first.
   */
  'purgeSample'?: (string)[];
}

/**
 * Response of UploadTokenService.PurgeUploadTokens.
 */
export interface PurgeUploadTokensResponse__Output {
  /**
   * How many tokens the filter matched (force false) or were deleted (force
   * true).
   */
  'purgeCount': (number);
  /**
   * Up to 100 of those tokens, oldest first.
   */
  'purgeSample': (string)[];
}
