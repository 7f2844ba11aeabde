// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.PurgeUploadTokens.
 */
export interface PurgeUploadTokensRequest {
  /**
   * Required. Which tokens, in the grammar of ListUploadTokensRequest.filter:
   * `creator = "web"` for every live token the caller "web" created through
   * the gateway. Empty, and `creator = ""`, are INVALID_ARGUMENT: a purge
   * names the creator whose tokens it deletes.
   */
  'filter'?: (string);
  /**
   * false: count the tokens and return a sample, delete nothing. true:
   * delete them.
   */
  'force'?: (boolean);
}

/**
 * Request for UploadTokenService.PurgeUploadTokens.
 */
export interface PurgeUploadTokensRequest__Output {
  /**
   * Required. Which tokens, in the grammar of ListUploadTokensRequest.filter:
   * `creator = "web"` for every live token the caller "web" created through
   * the gateway. Empty, and `creator = ""`, are INVALID_ARGUMENT: a purge
   * names the creator whose tokens it deletes.
   */
  'filter': (string);
  /**
   * false: count the tokens and return a sample, delete nothing. true:
   * delete them.
   */
  'force': (boolean);
}
