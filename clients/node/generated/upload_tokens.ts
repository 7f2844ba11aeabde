import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CreateUploadTokenRequest as _apivideo_uploadtokens_v1_CreateUploadTokenRequest, CreateUploadTokenRequest__Output as _apivideo_uploadtokens_v1_CreateUploadTokenRequest__Output } from './apivideo/uploadtokens/v1/CreateUploadTokenRequest';
import type { DeleteUploadTokenRequest as _apivideo_uploadtokens_v1_DeleteUploadTokenRequest, DeleteUploadTokenRequest__Output as _apivideo_uploadtokens_v1_DeleteUploadTokenRequest__Output } from './apivideo/uploadtokens/v1/DeleteUploadTokenRequest';
import type { GetUploadTokenRequest as _apivideo_uploadtokens_v1_GetUploadTokenRequest, GetUploadTokenRequest__Output as _apivideo_uploadtokens_v1_GetUploadTokenRequest__Output } from './apivideo/uploadtokens/v1/GetUploadTokenRequest';
import type { ListUploadTokensRequest as _apivideo_uploadtokens_v1_ListUploadTokensRequest, ListUploadTokensRequest__Output as _apivideo_uploadtokens_v1_ListUploadTokensRequest__Output } from './apivideo/uploadtokens/v1/ListUploadTokensRequest';
import type { ListUploadTokensResponse as _apivideo_uploadtokens_v1_ListUploadTokensResponse, ListUploadTokensResponse__Output as _apivideo_uploadtokens_v1_ListUploadTokensResponse__Output } from './apivideo/uploadtokens/v1/ListUploadTokensResponse';
import type { PurgeUploadTokensRequest as _apivideo_uploadtokens_v1_PurgeUploadTokensRequest, PurgeUploadTokensRequest__Output as _apivideo_uploadtokens_v1_PurgeUploadTokensRequest__Output } from './apivideo/uploadtokens/v1/PurgeUploadTokensRequest';
import type { PurgeUploadTokensResponse as _apivideo_uploadtokens_v1_PurgeUploadTokensResponse, PurgeUploadTokensResponse__Output as _apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output } from './apivideo/uploadtokens/v1/PurgeUploadTokensResponse';
import type { UploadToken as _apivideo_uploadtokens_v1_UploadToken, UploadToken__Output as _apivideo_uploadtokens_v1_UploadToken__Output } from './apivideo/uploadtokens/v1/UploadToken';
import type { UploadTokenServiceClient as _apivideo_uploadtokens_v1_UploadTokenServiceClient, UploadTokenServiceDefinition as _apivideo_uploadtokens_v1_UploadTokenServiceDefinition } from './apivideo/uploadtokens/v1/UploadTokenService';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from './google/protobuf/Empty';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  apivideo: {
    uploadtokens: {
      v1: {
        CreateUploadTokenRequest: MessageTypeDefinition<_apivideo_uploadtokens_v1_CreateUploadTokenRequest, _apivideo_uploadtokens_v1_CreateUploadTokenRequest__Output>
        DeleteUploadTokenRequest: MessageTypeDefinition<_apivideo_uploadtokens_v1_DeleteUploadTokenRequest, _apivideo_uploadtokens_v1_DeleteUploadTokenRequest__Output>
        GetUploadTokenRequest: MessageTypeDefinition<_apivideo_uploadtokens_v1_GetUploadTokenRequest, _apivideo_uploadtokens_v1_GetUploadTokenRequest__Output>
        ListUploadTokensRequest: MessageTypeDefinition<_apivideo_uploadtokens_v1_ListUploadTokensRequest, _apivideo_uploadtokens_v1_ListUploadTokensRequest__Output>
        ListUploadTokensResponse: MessageTypeDefinition<_apivideo_uploadtokens_v1_ListUploadTokensResponse, _apivideo_uploadtokens_v1_ListUploadTokensResponse__Output>
        PurgeUploadTokensRequest: MessageTypeDefinition<_apivideo_uploadtokens_v1_PurgeUploadTokensRequest, _apivideo_uploadtokens_v1_PurgeUploadTokensRequest__Output>
        PurgeUploadTokensResponse: MessageTypeDefinition<_apivideo_uploadtokens_v1_PurgeUploadTokensResponse, _apivideo_uploadtokens_v1_PurgeUploadTokensResponse__Output>
        UploadToken: MessageTypeDefinition<_apivideo_uploadtokens_v1_UploadToken, _apivideo_uploadtokens_v1_UploadToken__Output>
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
        UploadTokenService: SubtypeConstructor<typeof grpc.Client, _apivideo_uploadtokens_v1_UploadTokenServiceClient> & { service: _apivideo_uploadtokens_v1_UploadTokenServiceDefinition }
      }
    }
  }
  google: {
    protobuf: {
      Empty: MessageTypeDefinition<_google_protobuf_Empty, _google_protobuf_Empty__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

