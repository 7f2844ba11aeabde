'use strict';
// Client of apivideo.uploadtokens.v1.UploadTokenService on @grpc/grpc-js.
// The service is loaded at run time from proto/ by @grpc/proto-loader; its
// TypeScript types are in generated/ (proto-loader-gen-types, `make clients`)
// and index.d.ts. The options below must match those of the generator
// (scripts/gen-clients.sh): camelCase fields, longs and enums as strings,
// defaults filled in, oneofs named.

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const PROTO_DIR = path.join(__dirname, 'proto');
const LOAD_OPTIONS = {
  longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR],
};
const DEFAULT_TIMEOUT_MS = 10000;
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

const packageDefinition = protoLoader.loadSync(
  'apivideo/uploadtokens/v1/upload_tokens.proto', LOAD_OPTIONS);
const proto = grpc.loadPackageDefinition(packageDefinition);
const UploadTokenService = proto.apivideo.uploadtokens.v1.UploadTokenService;

// google.rpc.Status and its details, for errorDetails(). protobufjs has
// google/protobuf/{any,duration}.proto built in.
const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
const StatusType = rpcRoot.lookupType('google.rpc.Status');
const TO_OBJECT = { longs: String, enums: String, defaults: true, oneofs: true };

// Gives every call without a deadline one of timeoutMs.
function defaultDeadline(timeoutMs) {
  return (options, nextCall) => {
    if (options.deadline === undefined) {
      options = { ...options, deadline: new Date(Date.now() + timeoutMs) };
    }
    return new grpc.InterceptingCall(nextCall(options));
  };
}

// A client for the gateway at `address`. Every call without a deadline gets
// one of options.timeoutMs (default 10 s).
function createClient(address, credentials = grpc.credentials.createInsecure(),
    options = {}) {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, interceptors = [], ...channelOptions } = options;
  return new UploadTokenService(address, credentials, {
    ...channelOptions,
    interceptors: [defaultDeadline(timeoutMs), ...interceptors],
  });
}

// client.method as a promise. `options` are grpc CallOptions, e.g. a deadline.
function call(client, method, request, options = {}) {
  return new Promise((resolve, reject) => {
    client[method](request, new grpc.Metadata(), options, (error, response) => {
      if (error) reject(error); else resolve(response);
    });
  });
}

// Yields every token of every page, following nextPageToken. Each page is one
// call with `options` (the client's default deadline if none).
async function* listAll(client, request = {}, options = {}) {
  let pageToken = request.pageToken || '';
  for (;;) {
    const page = await call(client, 'ListUploadTokens', { ...request, pageToken }, options);
    yield* page.uploadTokens;
    pageToken = page.nextPageToken;
    if (!pageToken) return;
  }
}

const DETAIL_FIELDS = {
  'google.rpc.ErrorInfo': 'errorInfo',
  'google.rpc.ResourceInfo': 'resourceInfo',
  'google.rpc.RetryInfo': 'retryInfo',
  'google.rpc.BadRequest': 'badRequest',
  'google.rpc.QuotaFailure': 'quotaFailure',
};

// Decodes the google.rpc.Status the gateway sends in the
// grpc-status-details-bin trailer of a failed call (a grpc ServiceError).
function errorDetails(error) {
  const details = {
    code: error.code, codeName: grpc.status[error.code], message: error.details || '',
    errorInfo: null, resourceInfo: null, retryInfo: null, badRequest: null,
    quotaFailure: null, others: [],
  };
  const values = error.metadata ? error.metadata.get(STATUS_DETAILS_KEY) : [];
  for (const value of values) {
    const status = StatusType.decode(value);
    for (const any of status.details) {
      // protobufjs's built-in Any keeps the proto name type_url.
      const typeUrl = any.type_url || any.typeUrl || '';
      const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
      const field = DETAIL_FIELDS[typeName];
      if (!field) { details.others.push(any); continue; }
      const type = rpcRoot.lookupType(typeName);
      details[field] = type.toObject(type.decode(any.value), TO_OBJECT);
    }
  }
  return details;
}

module.exports = {
  grpc, proto, UploadTokenService, createClient, call, listAll, errorDetails,
  defaultDeadline, DEFAULT_TIMEOUT_MS,
};
