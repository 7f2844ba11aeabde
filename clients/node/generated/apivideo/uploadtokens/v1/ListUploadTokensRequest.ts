// Original file: apivideo/uploadtokens/v1/upload_tokens.proto


/**
 * Request for UploadTokenService.ListUploadTokens.
 */
export interface ListUploadTokensRequest {
  /**
   * The most tokens to return in one page. 0 means 25; values above 100 are
   * treated as 100; negative values are INVALID_ARGUMENT. A page may hold
   * fewer tokens than asked for; only an empty next_page_token marks the end.
   */
  'pageSize'?: (number);
  /**
   * The next_page_token of a previous response, to get the page after it;
   * empty for the first page. Opaque: do not build or change it. It must be
   * used with the same order_by as the call that returned it, otherwise the
   * call is INVALID_ARGUMENT.
   */
  'pageToken'?: (string);
  /**
   * The order of the tokens: "" (api.video's default order), "created_at" or
   * "ttl", each optionally followed by " asc" (the default) or " desc", for
   * example "created_at desc". Anything else is INVALID_ARGUMENT.
   */
  'orderBy'?: (string);
  /**
   * Which tokens to list (a subset of https://google.aip.dev/160). Empty
   * lists every active token. `creator = "web"` lists the active tokens that
   * the caller "web" created through the gateway; such a list is answered from
   * the gateway's own record, spends none of api.video's read quota, and does
   * not see a token deleted outside the gateway until a Get or Delete of it
   * finds it gone. `creator = ""` lists the tokens of no known creator:
   * api.video's pages (spending read quota) less the tokens whose creator the
   * gateway knows, so a page may come out short or empty before the last
   * (only an empty next_page_token ends the list), and total_size is an
   * estimate. Anything else is INVALID_ARGUMENT with a google.rpc.BadRequest
   * on `filter`. A page_token must be used with the filter of the call that
   * returned it.
   */
  'filter'?: (string);
}

/**
 * Request for UploadTokenService.ListUploadTokens.
 */
export interface ListUploadTokensRequest__Output {
  /**
   * The most tokens to return in one page. 0 means 25; values above 100 are
   * treated as 100; negative values are INVALID_ARGUMENT. A page may hold
   * fewer tokens than asked for; only an empty next_page_token marks the end.
   */
  'pageSize': (number);
  /**
   * The next_page_token of a previous response, to get the page after it;
   * empty for the first page. Opaque: do not build or change it. It must be
   * used with the same order_by as the call that returned it, otherwise the
   * call is INVALID_ARGUMENT.
   */
  'pageToken': (string);
  /**
   * The order of the tokens: "" (api.video's default order), "created_at" or
   * "ttl", each optionally followed by " asc" (the default) or " desc", for
   * example "created_at desc". Anything else is INVALID_ARGUMENT.
   */
  'orderBy': (string);
  /**
   * Which tokens to list (a subset of https://google.aip.dev/160). Empty
   * lists every active token. `creator = "web"` lists the active tokens that
   * the caller "web" created through the gateway; such a list is answered from
   * the gateway's own record, spends none of api.video's read quota, and does
   * not see a token deleted outside the gateway until a Get or Delete of it
   * finds it gone. `creator = ""` lists the tokens of no known creator:
   * api.video's pages (spending read quota) less the tokens whose creator the
   * gateway knows, so a page may come out short or empty before the last
   * (only an empty next_page_token ends the list), and total_size is an
   * estimate. Anything else is INVALID_ARGUMENT with a google.rpc.BadRequest
   * on `filter`. A page_token must be used with the filter of the call that
   * returned it.
   */
  'filter': (string);
}
