// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.PurgeUploadTokens.
 */
export interface PurgeUploadTokensRequest {
  /**
   * Required. Which tokens, in the grammar of ListUploadTokensRequest.filter:
   * `creator = "web"` for every live token the caller "web" created through
   * the gateway; `creator = ""` for the tokens of no known creator in
   * api.video's listing (read page by page, spending read quota), except
   * those created in the last minute. Empty is INVALID_ARGUMENT: a purge
   * names what it deletes.
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
   * the gateway; `creator = ""` for the tokens of no known creator in
   * api.video's listing (read page by page, spending read quota), except
   * those created in the last minute. Empty is INVALID_ARGUMENT: a purge
   * names what it deletes.
   */
  'filter': (string);
  /**
   * false: count the tokens and return a sample, delete nothing. true:
   * delete them.
   */
  'force': (boolean);
}
