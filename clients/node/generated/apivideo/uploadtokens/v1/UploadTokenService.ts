// Original file: apivideo/uploadtokens/v1/upload_tokens.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateUploadTokenRequest as _apivideo_uploadtokens_v1_CreateUploadTokenRequest, CreateUploadTokenRequest__Output as _apivideo_uploadtokens_v1_CreateUploadTokenRequest__Output } from '../../../apivideo/uploadtokens/v1/CreateUploadTokenRequest';
import type { DeleteUploadTokenRequest as _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, DeleteUploadTokenRequest__Output as _apivideo_uploadtokens_v1_DeleteUploadTokenRequest__Output } from '../../../apivideo/uploadtokens/v1/DeleteUploadTokenRequest';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from '../../../google/protobuf/Empty';
import type { GetUploadTokenRequest as _apivideo_uploadtokens_v1_GetUploadTokenRequest, GetUploadTokenRequest__Output as _apivideo_uploadtokens_v1_GetUploadTokenRequest__Output } from '../../../apivideo/uploadtokens/v1/GetUploadTokenRequest';
import type { ListUploadTokensRequest as _apivideo_uploadtokens_v1_ListUploadTokensRequest, ListUploadTokensRequest__Output as _apivideo_uploadtokens_v1_ListUploadTokensRequest__Output } from '../../../apivideo/uploadtokens/v1/ListUploadTokensRequest';
import type { ListUploadTokensResponse as _apivideo_uploadtokens_v1_ListUploadTokensResponse, ListUploadTokensResponse__Output as _apivideo_uploadtokens_v1_ListUploadTokensResponse__Output } from '../../../apivideo/uploadtokens/v1/ListUploadTokensResponse';
import type { PurgeUploadTokensRequest as _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, PurgeUploadTokensRequest__Output as _apivideo_uploadtokens_v1_PurgeUploadTokensRequest__Output } from '../../../apivideo/uploadtokens/v1/PurgeUploadTokensRequest';
import type { PurgeUploadTokensResponse as _apivideo_uploadtokens_v1_PurgeUploadTokensResponse, PurgeUploadTokensResponse__Output as _apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output } from '../../../apivideo/uploadtokens/v1/PurgeUploadTokensResponse';
import type { UploadToken as _apivideo_uploadtokens_v1_UploadToken, UploadToken__Output as _apivideo_uploadtokens_v1_UploadToken__Output } from '../../../apivideo/uploadtokens/v1/UploadToken';

/**
 * Manages api.video upload tokens.
 * 
 * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
 * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
 * whose domain says who produced it: "api.video" for api.video's own answers,
 * "upload-token-gateway" for the reasons the gateway makes itself (validation,
 * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
 * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
 * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
 * 
 * When the gateway runs with a caller policy file, each caller (the service
 * that its bearer token names) may be limited: a maximum and default ttl,
 * creates per minute, live tokens, read-only, and what it may do with tokens
 * another caller created. A forbidden RPC or another caller's token is
 * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
 * 
 * api.video's rate-limit headers come back as the response metadata
 * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
 */
export interface UploadTokenServiceClient extends grpc.Client {
  /**
   * Creates an upload token (POST /upload-tokens).
   * 
   * Every successful call creates a new token, unless it carries the
   * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
   * which makes it safe to retry.
   */
  CreateUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  CreateUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  CreateUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  CreateUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  /**
   * Creates an upload token (POST /upload-tokens).
   * 
   * Every successful call creates a new token, unless it carries the
   * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
   * which makes it safe to retry.
   */
  createUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  createUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  createUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  createUploadToken(argument: _apivideo_uploadtokens_v1_CreateUploadTokenRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
   * it are refused from then on.
   * 
   * NOT_FOUND when the token does not exist, has been deleted, or has expired.
   * PERMISSION_DENIED when the caller is read-only or its policy does not let
   * it delete tokens that another caller created.
   */
  DeleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  DeleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
   * it are refused from then on.
   * 
   * NOT_FOUND when the token does not exist, has been deleted, or has expired.
   * PERMISSION_DENIED when the caller is read-only or its policy does not let
   * it delete tokens that another caller created.
   */
  deleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  deleteUploadToken(argument: _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, callback: grpc.requestCallback<_google_protobuf_Empty__Output>): grpc.ClientUnaryCall;
  
  /**
   * Gets one upload token (GET /upload-tokens/{token}).
   * 
   * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
   * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
   * the caller's policy does not let it read tokens that another caller
   * created.
   */
  GetUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  GetUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  GetUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  GetUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  /**
   * Gets one upload token (GET /upload-tokens/{token}).
   * 
   * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
   * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
   * the caller's policy does not let it read tokens that another caller
   * created.
   */
  getUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  getUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  getUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  getUploadToken(argument: _apivideo_uploadtokens_v1_GetUploadTokenRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_UploadToken__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the active upload tokens, one page at a time (GET /upload-tokens).
   * 
   * Expired and deleted tokens are not listed.
   */
  ListUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  ListUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  ListUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  ListUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the active upload tokens, one page at a time (GET /upload-tokens).
   * 
   * Expired and deleted tokens are not listed.
   */
  listUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  listUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  listUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  listUploadTokens(argument: _apivideo_uploadtokens_v1_ListUploadTokensRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes every upload token that `filter` matches
   * (https://google.aip.dev/165): for the day a service is compromised,
   * revoke every token it created in one call. Without `force`, only counts
   * the tokens and returns a sample, deleting nothing.
   * 
   * Each token is deleted as by DeleteUploadToken (a few at a time): it
   * spends api.video's write quota like any delete, and the caller needs the
   * right to delete each (its own tokens, or others' when its policy says
   * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
   * already gone counts as deleted. When the deadline comes first, what was
   * deleted stays deleted: call again to delete the rest.
   */
  PurgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  PurgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  PurgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  PurgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes every upload token that `filter` matches
   * (https://google.aip.dev/165): for the day a service is compromised,
   * revoke every token it created in one call. Without `force`, only counts
   * the tokens and returns a sample, deleting nothing.
   * 
   * Each token is deleted as by DeleteUploadToken (a few at a time): it
   * spends api.video's write quota like any delete, and the caller needs the
   * right to delete each (its own tokens, or others' when its policy says
   * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
   * already gone counts as deleted. When the deadline comes first, what was
   * deleted stays deleted: call again to delete the rest.
   */
  purgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  purgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  purgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  purgeUploadTokens(argument: _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, callback: grpc.requestCallback<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Manages api.video upload tokens.
 * 
 * Errors follow google/rpc/code.proto and carry google.rpc.Status details in
 * the `grpc-status-details-bin` trailer: every error has a google.rpc.ErrorInfo
 * whose domain says who produced it: "api.video" for api.video's own answers,
 * "upload-token-gateway" for the reasons the gateway makes itself (validation,
 * the caller's policy, overload). Invalid requests add google.rpc.BadRequest,
 * unknown or forbidden tokens google.rpc.ResourceInfo, rate-limited calls
 * google.rpc.RetryInfo, and a used-up caller quota google.rpc.QuotaFailure.
 * 
 * When the gateway runs with a caller policy file, each caller (the service
 * that its bearer token names) may be limited: a maximum and default ttl,
 * creates per minute, live tokens, read-only, and what it may do with tokens
 * another caller created. A forbidden RPC or another caller's token is
 * PERMISSION_DENIED; a used-up quota RESOURCE_EXHAUSTED.
 * 
 * api.video's rate-limit headers come back as the response metadata
 * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-retry-after`.
 */
export interface UploadTokenServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates an upload token (POST /upload-tokens).
   * 
   * Every successful call creates a new token, unless it carries the
   * request_id of an earlier call (see CreateUploadTokenRequest.request_id),
   * which makes it safe to retry.
   */
  CreateUploadToken: grpc.handleUnaryCall<_apivideo_uploadtokens_v1_CreateUploadTokenRequest__Output, _apivideo_uploadtokens_v1_UploadToken>;
  
  /**
   * Deletes an upload token (DELETE /upload-tokens/{token}); uploads that use
   * it are refused from then on.
   * 
   * NOT_FOUND when the token does not exist, has been deleted, or has expired.
   * PERMISSION_DENIED when the caller is read-only or its policy does not let
   * it delete tokens that another caller created.
   */
  DeleteUploadToken: grpc.handleUnaryCall<_apivideo_uploadtokens_v1_DeleteUploadTokenRequest__Output, _google_protobuf_Empty>;
  
  /**
   * Gets one upload token (GET /upload-tokens/{token}).
   * 
   * NOT_FOUND, with a google.rpc.ResourceInfo naming the token, when the token
   * does not exist, has been deleted, or has expired. PERMISSION_DENIED when
   * the caller's policy does not let it read tokens that another caller
   * created.
   */
  GetUploadToken: grpc.handleUnaryCall<_apivideo_uploadtokens_v1_GetUploadTokenRequest__Output, _apivideo_uploadtokens_v1_UploadToken>;
  
  /**
   * Lists the active upload tokens, one page at a time (GET /upload-tokens).
   * 
   * Expired and deleted tokens are not listed.
   */
  ListUploadTokens: grpc.handleUnaryCall<_apivideo_uploadtokens_v1_ListUploadTokensRequest__Output, _apivideo_uploadtokens_v1_ListUploadTokensResponse>;
  
  /**
   * Deletes every upload token that `filter` matches
   * (https://google.aip.dev/165): for the day a service is compromised,
   * revoke every token it created in one call. Without `force`, only counts
   * the tokens and returns a sample, deleting nothing.
   * 
   * Each token is deleted as by DeleteUploadToken (a few at a time): it
   * spends api.video's write quota like any delete, and the caller needs the
   * right to delete each (its own tokens, or others' when its policy says
   * DELETE; PERMISSION_DENIED before anything is deleted otherwise). A token
   * already gone counts as deleted. When the deadline comes first, what was
   * deleted stays deleted: call again to delete the rest.
   */
  PurgeUploadTokens: grpc.handleUnaryCall<_apivideo_uploadtokens_v1_PurgeUploadTokensRequest__Output, _apivideo_uploadtokens_v1_PurgeUploadTokensResponse>;
  
}

export interface UploadTokenServiceDefinition extends grpc.ServiceDefinition {
  CreateUploadToken: MethodDefinition<_apivideo_uploadtokens_v1_CreateUploadTokenRequest, _apivideo_uploadtokens_v1_UploadToken, _apivideo_uploadtokens_v1_CreateUploadTokenRequest__Output, _apivideo_uploadtokens_v1_UploadToken__Output>
  DeleteUploadToken: MethodDefinition<_apivideo_uploadtokens_v1_DeleteUploadTokenRequest, _google_protobuf_Empty, _apivideo_uploadtokens_v1_DeleteUploadTokenRequest__Output, _google_protobuf_Empty__Output>
  GetUploadToken: MethodDefinition<_apivideo_uploadtokens_v1_GetUploadTokenRequest, _apivideo_uploadtokens_v1_UploadToken, _apivideo_uploadtokens_v1_GetUploadTokenRequest__Output, _apivideo_uploadtokens_v1_UploadToken__Output>
  ListUploadTokens: MethodDefinition<_apivideo_uploadtokens_v1_ListUploadTokensRequest, _apivideo_uploadtokens_v1_ListUploadTokensResponse, _apivideo_uploadtokens_v1_ListUploadTokensRequest__Output, _apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>
  PurgeUploadTokens: MethodDefinition<_apivideo_uploadtokens_v1_PurgeUploadTokensRequest, _apivideo_uploadtokens_v1_PurgeUploadTokensResponse, _apivideo_uploadtokens_v1_PurgeUploadTokensRequest__Output, _apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>
}
