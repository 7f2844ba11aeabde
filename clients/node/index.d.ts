// Types of index.js. Message and service types are generated (generated/,
// proto-loader-gen-types); only the hand-written helpers are declared here.
import * as grpc from '@grpc/grpc-js';
import type { ProtoGrpcType } from './generated/upload_tokens';
import type { UploadTokenServiceClient } from './generated/apivideo/uploadtokens/v1/UploadTokenService';
import type { ListUploadTokensRequest } from './generated/apivideo/uploadtokens/v1/ListUploadTokensRequest';
import type { UploadToken__Output } from './generated/apivideo/uploadtokens/v1/UploadToken';
import type { ErrorInfo__Output } from './generated/google/rpc/ErrorInfo';
import type { ResourceInfo__Output } from './generated/google/rpc/ResourceInfo';
import type { RetryInfo__Output } from './generated/google/rpc/RetryInfo';
import type { BadRequest__Output } from './generated/google/rpc/BadRequest';
import type { QuotaFailure__Output } from './generated/google/rpc/QuotaFailure';
import type { Any__Output } from './generated/google/protobuf/Any';

export type { UploadTokenServiceClient } from './generated/apivideo/uploadtokens/v1/UploadTokenService';
export type { UploadToken, UploadToken__Output } from './generated/apivideo/uploadtokens/v1/UploadToken';
export type { CreateUploadTokenRequest } from './generated/apivideo/uploadtokens/v1/CreateUploadTokenRequest';
export type { GetUploadTokenRequest } from './generated/apivideo/uploadtokens/v1/GetUploadTokenRequest';
export type { DeleteUploadTokenRequest } from './generated/apivideo/uploadtokens/v1/DeleteUploadTokenRequest';
export type { ListUploadTokensRequest } from './generated/apivideo/uploadtokens/v1/ListUploadTokensRequest';
export type { ListUploadTokensResponse, ListUploadTokensResponse__Output } from './generated/apivideo/uploadtokens/v1/ListUploadTokensResponse';
export type { PurgeUploadTokensRequest } from './generated/apivideo/uploadtokens/v1/PurgeUploadTokensRequest';
export type { PurgeUploadTokensResponse, PurgeUploadTokensResponse__Output } from './generated/apivideo/uploadtokens/v1/PurgeUploadTokensResponse';
export type { ProtoGrpcType } from './generated/upload_tokens';

export { grpc };
export declare const proto: ProtoGrpcType;
export declare const UploadTokenService: ProtoGrpcType['apivideo']['uploadtokens']['v1']['UploadTokenService'];
export declare const DEFAULT_TIMEOUT_MS: number;

export interface ClientOptions extends grpc.ChannelOptions {
  /** Deadline of every call that has none, in ms (default 10000). */
  timeoutMs?: number;
  interceptors?: grpc.Interceptor[];
}

/** A client whose calls get a deadline of options.timeoutMs unless they carry one. */
export declare function createClient(address: string,
  credentials?: grpc.ChannelCredentials, options?: ClientOptions): UploadTokenServiceClient;

/** An interceptor giving calls without a deadline one of timeoutMs. */
export declare function defaultDeadline(timeoutMs: number): grpc.Interceptor;

type Request<M extends keyof UploadTokenServiceClient> =
  UploadTokenServiceClient[M] extends (argument: infer A, ...rest: any[]) => grpc.ClientUnaryCall ? A : never;
type Response<M extends keyof UploadTokenServiceClient> =
  UploadTokenServiceClient[M] extends (argument: any, callback: grpc.requestCallback<infer R>) => grpc.ClientUnaryCall ? R : never;
type UnaryMethod = 'CreateUploadToken' | 'GetUploadToken' | 'DeleteUploadToken' | 'ListUploadTokens' |
  'PurgeUploadTokens';

/** client[method] as a promise; rejects with a grpc.ServiceError. */
export declare function call<M extends UnaryMethod>(client: UploadTokenServiceClient, method: M,
  request: Request<M>, options?: grpc.CallOptions): Promise<Response<M>>;

/** Every token of every page, following nextPageToken. */
export declare function listAll(client: UploadTokenServiceClient,
  request?: ListUploadTokensRequest, options?: grpc.CallOptions): AsyncGenerator<UploadToken__Output, void, undefined>;

/** The google.rpc.Status details of a failed call; absent ones are null. */
export interface ErrorDetails {
  code: grpc.status;
  codeName: string;
  message: string;
  errorInfo: ErrorInfo__Output | null;
  resourceInfo: ResourceInfo__Output | null;
  retryInfo: RetryInfo__Output | null;
  badRequest: BadRequest__Output | null;
  quotaFailure: QuotaFailure__Output | null;
  /** Details of other types, still packed. */
  others: Any__Output[];
}

/** Decodes the grpc-status-details-bin trailer of a failed call. */
export declare function errorDetails(error: grpc.ServiceError): ErrorDetails;
