// Original file: apivideo/uploadtokens/v1/upload_tokens.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';

/**
 * An api.video delegated upload token.
 * 
 * The proto3 JSON form of this message has the same keys as api.video's JSON
 * (token, ttl, createdAt, expiresAt).
 */
export interface UploadToken {
  /**
   * The token itself, e.g. "to1tcmSFHeYY5KzyhOqVKMKb". Pass it to api.video's
   * upload endpoint (POST /upload?token=...) to upload without an API key.
   */
  'token'?: (string);
  /**
   * Lifetime in seconds that the token was created with; 0 means the token
   * never expires.
   */
  'ttl'?: (number);
  /**
   * When the token was created (whole seconds, UTC).
   */
  'createdAt'?: (_google_protobuf_Timestamp | null);
  /**
   * When the token stops working: created_at + ttl. Unset when ttl is 0.
   */
  'expiresAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Output only. The caller (the service named by its bearer token) that
   * created the token through the gateway. Empty when that is not known: the
   * token was created elsewhere (api.video's dashboard, another client) or
   * before the gateway recorded creators.
   */
  'creator'?: (string);
}

/**
 * An api.video delegated upload token.
 * 
 * The proto3 JSON form of this message has the same keys as api.video's JSON
 * (token, ttl, createdAt, expiresAt).
 */
export interface UploadToken__Output {
  /**
   * The token itself, e.g. "to1tcmSFHeYY5KzyhOqVKMKb". Pass it to api.video's
   * upload endpoint (POST /upload?token=...) to upload without an API key.
   */
  'token': (string);
  /**
   * Lifetime in seconds that the token was created with; 0 means the token
   * never expires.
   */
  'ttl': (number);
  /**
   * When the token was created (whole seconds, UTC).
   */
  'createdAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the token stops working: created_at + ttl. Unset when ttl is 0.
   */
  'expiresAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Output only. The caller (the service named by its bearer token) that
   * created the token through the gateway. Empty when that is not known: the
   * token was created elsewhere (api.video's dashboard, another client) or
   * before the gateway recorded creators.
   */
  'creator': (string);
}
