// Original file: apivideo/uploadtokens/v1/upload_tokens.proto

import type { UploadToken as _apivideo_uploadtokens_v1_UploadToken, UploadToken__Output as _apivideo_uploadtokens_v1_UploadToken__Output } from '../../../apivideo/uploadtokens/v1/UploadToken';

/**
 * Response of UploadTokenService.ListUploadTokens.
 */
export interface ListUploadTokensResponse {
  /**
   * The tokens of this page, in the requested order.
   */
  'uploadTokens'?: (_apivideo_uploadtokens_v1_UploadToken)[];
  /**
   * Pass this as page_token to get the next page; empty on the last page.
   */
  'nextPageToken'?: (string);
  /**
   * How many active tokens there are in all pages together (api.video's
   * pagination.itemsTotal), at the time of this call.
   */
  'totalSize'?: (number);
}

/**
 * Response of UploadTokenService.ListUploadTokens.
 */
export interface ListUploadTokensResponse__Output {
  /**
   * The tokens of this page, in the requested order.
   */
  'uploadTokens': (_apivideo_uploadtokens_v1_UploadToken__Output)[];
  /**
   * Pass this as page_token to get the next page; empty on the last page.
   */
  'nextPageToken': (string);
  /**
   * How many active tokens there are in all pages together (api.video's
   * pagination.itemsTotal), at the time of this call.
   */
  'totalSize': (number);
}
