// UploadTokenClient: UploadTokenService as promises, with what every caller
// would otherwise write again: a deadline on every call, the caller's metadata
// in and the gateway's (rate limit, cache) out, a request_id on every Create
// so that it can be retried, and every page of a listing.
import { randomUUID } from 'crypto';
import * as path from 'path';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import type { ProtoGrpcType } from '../generated/upload_tokens';
import type { UploadTokenServiceClient } from '../generated/apivideo/uploadtokens/v1/UploadTokenService';
import type { CreateUploadTokenRequest } from '../generated/apivideo/uploadtokens/v1/CreateUploadTokenRequest';
import type { DeleteUploadTokenRequest } from '../generated/apivideo/uploadtokens/v1/DeleteUploadTokenRequest';
import type { GetUploadTokenRequest } from '../generated/apivideo/uploadtokens/v1/GetUploadTokenRequest';
import type { ListUploadTokensRequest } from '../generated/apivideo/uploadtokens/v1/ListUploadTokensRequest';
import type { ListUploadTokensResponse__Output } from '../generated/apivideo/uploadtokens/v1/ListUploadTokensResponse';
import type { PurgeUploadTokensRequest } from '../generated/apivideo/uploadtokens/v1/PurgeUploadTokensRequest';
import type { PurgeUploadTokensResponse__Output } from '../generated/apivideo/uploadtokens/v1/PurgeUploadTokensResponse';
import type { UploadToken__Output } from '../generated/apivideo/uploadtokens/v1/UploadToken';
import { channelArguments, type ChannelOptions } from './channel';
import { errorDetails, isServiceError } from './errors';

// The options of generate.sh's proto-loader-gen-types, which the generated
// types describe: camelCase fields, longs and enums as strings, defaults
// filled in, oneofs named.
const LOAD_OPTIONS: protoLoader.Options = {
  longs: String, enums: String, defaults: true, oneofs: true,
  includeDirs: [path.join(__dirname, '..', '..', 'proto')],
};

/** The service definition loaded from the package's proto/ (for servers and fakes). */
export const packageDefinition = protoLoader.loadSync(
  'apivideo/uploadtokens/v1/upload_tokens.proto', LOAD_OPTIONS);
const proto = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
export const UploadTokenService = proto.apivideo.uploadtokens.v1.UploadTokenService;

/**
 * What the gateway sent beside its answer, e.g. x-ratelimit-limit,
 * x-ratelimit-remaining, x-ratelimit-retry-after and x-cache (hit, miss,
 * coalesced). Pass one in CallOptions.responseMetadata; each call fills it.
 */
export class ResponseMetadata {
  initial = new grpc.Metadata();
  trailing = new grpc.Metadata();

  /** The first text value of `key` in the initial metadata, else in the trailing. */
  get(key: string): string | undefined {
    for (const metadata of [this.initial, this.trailing]) {
      const value = metadata.get(key).find((v): v is string => typeof v === 'string');
      if (value !== undefined) return value;
    }
    return undefined;
  }
}

export interface ClientOptions extends ChannelOptions {
  /**
   * The deadline of a call that gives none, in ms (default 10000). For
   * listAll it applies to each page, and for Create to all its attempts.
   */
  defaultTimeoutMs?: number;
  /**
   * Attempts of a Create that ends UNAVAILABLE (default 3): each sends the
   * same request_id, so the gateway creates at most one token.
   */
  createAttempts?: number;
  /** The pause before a Create's second attempt, doubled for each next (default 100 ms). */
  createBackoffMs?: number;
  /**
   * How long listAll may wait in all, following RetryInfo on
   * RESOURCE_EXHAUSTED, before it throws the error (default 60000).
   */
  listAllMaxWaitMs?: number;
}

/** Per call; all optional. */
export interface CallOptions {
  /** Replaces the client's defaultTimeoutMs for this call. */
  timeoutMs?: number;
  /** An absolute deadline (wins over timeoutMs); for listAll, that of the whole listing. */
  deadline?: Date | number;
  /** More request metadata, e.g. { traceparent: '00-…' } (keys ending -bin take Buffers). */
  metadata?: grpc.Metadata | Record<string, grpc.MetadataValue | grpc.MetadataValue[]>;
  /** Filled with the gateway's response metadata (for listAll, of the last page). */
  responseMetadata?: ResponseMetadata;
}

/** CallOptions of listAll. */
export interface ListAllOptions extends CallOptions {
  /** Replaces the client's listAllMaxWaitMs for this listing. */
  maxWaitMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A grpc.Metadata of this package's grpc-js: a Metadata of another copy of
// grpc-js (the caller's own) would not be taken as metadata by this one.
function toMetadata(metadata: CallOptions['metadata']): grpc.Metadata {
  const result = new grpc.Metadata();
  if (metadata === undefined) return result;
  type Entries = Record<string, grpc.MetadataValue | grpc.MetadataValue[]>;
  const entries: Entries = typeof metadata.toJSON === 'function'
    ? (metadata as grpc.Metadata).toJSON() : metadata as Entries;
  for (const [key, values] of Object.entries(entries)) {
    for (const value of Array.isArray(values) ? values : [values]) result.add(key, value);
  }
  return result;
}

type UnaryMethod<Request, Response> = (request: Request, metadata: grpc.Metadata,
  options: grpc.CallOptions, callback: grpc.requestCallback<Response>) => grpc.ClientUnaryCall;

export class UploadTokenClient {
  /** The generated grpc-js client, for anything not wrapped here. */
  readonly stub: UploadTokenServiceClient;
  private readonly defaultTimeoutMs: number;
  private readonly createAttempts: number;
  private readonly createBackoffMs: number;
  private readonly listAllMaxWaitMs: number;

  /** Throws a TypeError for options that cannot make a channel. */
  constructor(options: ClientOptions) {
    const { credentials, channelOptions } = channelArguments(options);
    this.stub = new UploadTokenService(options.target, credentials, channelOptions);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 10000;
    this.createAttempts = Math.max(1, options.createAttempts ?? 3);
    this.createBackoffMs = options.createBackoffMs ?? 100;
    this.listAllMaxWaitMs = options.listAllMaxWaitMs ?? 60000;
  }

  /**
   * A token valid for `ttl` seconds (0: never expires); without it, the
   * caller's policy default applies. A requestId (UUIDv4) is made here when
   * the request has none, and sent again on this method's own retries of
   * UNAVAILABLE.
   */
  async createUploadToken(request: CreateUploadTokenRequest = {},
    options: CallOptions = {}): Promise<UploadToken__Output> {
    const withId = { ...request, requestId: request.requestId || randomUUID() };
    const deadline = this.deadlineOf(options);
    let backoff = this.createBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.unary(this.stub.createUploadToken, withId, { ...options, deadline });
      } catch (error) {
        // Only UNAVAILABLE says that the gateway may not have the request;
        // any other answer is the gateway's, and asking again would get it again.
        const retry = isServiceError(error) && error.code === grpc.status.UNAVAILABLE &&
          attempt < this.createAttempts && Date.now() + backoff < deadline.getTime();
        if (!retry) throw error;
      }
      await sleep(backoff);
      backoff *= 2;
    }
  }

  getUploadToken(request: GetUploadTokenRequest, options: CallOptions = {}): Promise<UploadToken__Output> {
    return this.unary(this.stub.getUploadToken, request, options);
  }

  async deleteUploadToken(request: DeleteUploadTokenRequest, options: CallOptions = {}): Promise<void> {
    await this.unary(this.stub.deleteUploadToken, request, options);
  }

  /** One page, as the request asks. */
  listUploadTokens(request: ListUploadTokensRequest = {},
    options: CallOptions = {}): Promise<ListUploadTokensResponse__Output> {
    return this.unary(this.stub.listUploadTokens, request, options);
  }

  /** Deletes (force) or counts the tokens `request.filter` matches. */
  purgeUploadTokens(request: PurgeUploadTokensRequest,
    options: CallOptions = {}): Promise<PurgeUploadTokensResponse__Output> {
    return this.unary(this.stub.purgeUploadTokens, request, options);
  }

  /**
   * Every token of every page from `request` on (its pageSize, orderBy and
   * filter apply to each page). A page refused with RESOURCE_EXHAUSTED and a
   * RetryInfo is asked again after the delay it gives, while the waits stay
   * within maxWaitMs and end before options.deadline.
   */
  async *listAll(request: ListUploadTokensRequest = {},
    options: ListAllOptions = {}): AsyncGenerator<UploadToken__Output, void, undefined> {
    const maxWaitMs = options.maxWaitMs ?? this.listAllMaxWaitMs;
    const deadline = options.deadline === undefined ? Infinity : new Date(options.deadline).getTime();
    let pageRequest = { ...request };
    let waitedMs = 0;
    for (;;) {
      let page: ListUploadTokensResponse__Output;
      try {
        page = await this.listUploadTokens(pageRequest, options);
      } catch (error) {
        const details = errorDetails(error);
        const delay = details.retryDelayMs;
        const wait = details.code === grpc.status.RESOURCE_EXHAUSTED && delay > 0 &&
          waitedMs + delay <= maxWaitMs && Date.now() + delay < deadline;
        if (!wait) throw error;
        await sleep(delay);
        waitedMs += delay;
        continue;
      }
      yield* page.uploadTokens;
      if (!page.nextPageToken) return;
      pageRequest = { ...pageRequest, pageToken: page.nextPageToken };
    }
  }

  close(): void {
    this.stub.close();
  }

  private deadlineOf(options: CallOptions): Date {
    if (options.deadline !== undefined) return new Date(options.deadline);
    return new Date(Date.now() + (options.timeoutMs ?? this.defaultTimeoutMs));
  }

  // One call as a promise that settles once the status has come, so that the
  // trailing metadata is there too.
  private unary<Request, Response>(method: UnaryMethod<Request, Response>, request: Request,
    options: CallOptions): Promise<Response> {
    const sink = options.responseMetadata;
    if (sink) {
      sink.initial = new grpc.Metadata();
      sink.trailing = new grpc.Metadata();
    }
    return new Promise<Response>((resolve, reject) => {
      let outcome: { error: grpc.ServiceError | null; response?: Response } | undefined;
      const call = method.call(this.stub, request, toMetadata(options.metadata),
        { deadline: this.deadlineOf(options) }, (error, response) => {
          outcome = { error, response };
        });
      call.on('metadata', (metadata: grpc.Metadata) => {
        if (sink) sink.initial = metadata;
      });
      // grpc-js runs the callback, then emits 'status'.
      call.on('status', (status: grpc.StatusObject) => {
        if (sink) sink.trailing = status.metadata;
        if (!outcome) {
          reject(new Error(`grpc-js gave the status of ${status.code} without an answer`));
        } else if (outcome.error) {
          reject(outcome.error);
        } else {
          resolve(outcome.response as Response);
        }
      });
    });
  }
}

/**
 * A client of the gateway:
 *   const client = createClient({ target: 'dns:///gateway.ns.svc:50051',
 *     tls: { rootCerts: fs.readFileSync('ca.pem') }, bearerToken });
 *   const token = await client.createUploadToken({ ttl: 3600 });
 */
export function createClient(options: ClientOptions): UploadTokenClient {
  return new UploadTokenClient(options);
}
