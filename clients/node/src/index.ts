// @upload-token-gateway/client: a client of the Upload Token Gateway
// (apivideo.uploadtokens.v1.UploadTokenService) on @grpc/grpc-js.
import * as grpc from '@grpc/grpc-js';

export { grpc };
export {
  createClient, packageDefinition, ResponseMetadata, UploadTokenClient, UploadTokenService,
} from './client';
export type { CallOptions, ClientOptions, ListAllOptions } from './client';
export { channelArguments, defaultServiceConfig, SERVICE_NAME } from './channel';
export type { ChannelOptions, TlsOptions } from './channel';
export { encodeStatusDetails, errorDetails, isServiceError, STATUS_DETAILS_KEY } from './errors';
export type { ErrorDetails } from './errors';

// The generated message types.
export type { UploadToken, UploadToken__Output } from '../generated/apivideo/uploadtokens/v1/UploadToken';
export type { CreateUploadTokenRequest } from '../generated/apivideo/uploadtokens/v1/CreateUploadTokenRequest';
export type { GetUploadTokenRequest } from '../generated/apivideo/uploadtokens/v1/GetUploadTokenRequest';
export type { DeleteUploadTokenRequest } from '../generated/apivideo/uploadtokens/v1/DeleteUploadTokenRequest';
export type { ListUploadTokensRequest } from '../generated/apivideo/uploadtokens/v1/ListUploadTokensRequest';
export type { ListUploadTokensResponse__Output } from '../generated/apivideo/uploadtokens/v1/ListUploadTokensResponse';
export type { PurgeUploadTokensRequest } from '../generated/apivideo/uploadtokens/v1/PurgeUploadTokensRequest';
export type { PurgeUploadTokensResponse__Output } from '../generated/apivideo/uploadtokens/v1/PurgeUploadTokensResponse';
export type { UploadTokenServiceClient, UploadTokenServiceHandlers } from '../generated/apivideo/uploadtokens/v1/UploadTokenService';
export type { ErrorInfo__Output } from '../generated/google/rpc/ErrorInfo';
export type { ResourceInfo__Output } from '../generated/google/rpc/ResourceInfo';
export type { RetryInfo__Output } from '../generated/google/rpc/RetryInfo';
export type { BadRequest__Output } from '../generated/google/rpc/BadRequest';
export type { QuotaFailure__Output } from '../generated/google/rpc/QuotaFailure';
export type { ProtoGrpcType } from '../generated/upload_tokens';
