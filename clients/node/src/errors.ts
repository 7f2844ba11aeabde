// Typed access to the error details of a failed call: every error of the
// gateway carries a serialized google.rpc.Status in the
// `grpc-status-details-bin` trailer, whose `details` are Any messages.
import * as path from 'path';

import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';

import type { Any__Output } from '../generated/google/protobuf/Any';
import type { BadRequest__Output } from '../generated/google/rpc/BadRequest';
import type { ErrorInfo__Output } from '../generated/google/rpc/ErrorInfo';
import type { QuotaFailure__Output } from '../generated/google/rpc/QuotaFailure';
import type { ResourceInfo__Output } from '../generated/google/rpc/ResourceInfo';
import type { RetryInfo__Output } from '../generated/google/rpc/RetryInfo';
import type { Status__Output } from '../generated/google/rpc/Status';

export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

// google.rpc's .proto files come from the google-proto-files package (a
// dependency), not from a copy of ours. protobufjs has google/protobuf/* built
// in.
const GOOGLE_PROTOS = path.dirname(require.resolve('google-proto-files/package.json'));
const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (_origin: string, target: string): string =>
  target.startsWith('google/protobuf/') ? target : path.join(GOOGLE_PROTOS, target);
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);

// The same conversion as the generated types describe (src/client.ts's
// LOAD_OPTIONS): longs and enums as strings, defaults filled in.
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String, enums: String, defaults: true, oneofs: true,
};

/** The decoded details of one failed call; those it did not carry are null. */
export interface ErrorDetails {
  /** The gRPC status code, e.g. grpc.status.NOT_FOUND. */
  code: grpc.status;
  /** Its name, e.g. "NOT_FOUND". */
  codeName: string;
  message: string;
  errorInfo: ErrorInfo__Output | null;
  resourceInfo: ResourceInfo__Output | null;
  retryInfo: RetryInfo__Output | null;
  badRequest: BadRequest__Output | null;
  quotaFailure: QuotaFailure__Output | null;
  /** Details of any other type, still packed. */
  others: Any__Output[];
  /** ErrorInfo.reason (e.g. "RESOURCE_NOT_FOUND"), or "" without ErrorInfo. */
  reason: string;
  /** RetryInfo.retry_delay in milliseconds, or 0 without RetryInfo. */
  retryDelayMs: number;
}

type DetailField = 'errorInfo' | 'resourceInfo' | 'retryInfo' | 'badRequest' | 'quotaFailure';
const DETAIL_FIELDS: Record<string, DetailField> = {
  'google.rpc.ErrorInfo': 'errorInfo',
  'google.rpc.ResourceInfo': 'resourceInfo',
  'google.rpc.RetryInfo': 'retryInfo',
  'google.rpc.BadRequest': 'badRequest',
  'google.rpc.QuotaFailure': 'quotaFailure',
};

/** Whether `error` is what a failed call rejects with (from any copy of grpc-js). */
export function isServiceError(error: unknown): error is grpc.ServiceError {
  const candidate = error as Partial<grpc.ServiceError> | null;
  return error instanceof Error && typeof candidate?.code === 'number' &&
    typeof candidate.metadata?.get === 'function';
}

/**
 * Decodes the details of a failed call (the grpc.ServiceError a method
 * rejected with). An error without details (e.g. a deadline the client
 * enforced itself) gives only code and message; so does anything that is not
 * a ServiceError (code UNKNOWN) and details that do not parse.
 */
export function errorDetails(error: unknown): ErrorDetails {
  const service = isServiceError(error) ? error : undefined;
  const code: grpc.status = service ? service.code : grpc.status.UNKNOWN;
  const details: ErrorDetails = {
    code,
    codeName: grpc.status[code] ?? String(code),
    message: service ? service.details : error instanceof Error ? error.message : String(error),
    errorInfo: null, resourceInfo: null, retryInfo: null, badRequest: null, quotaFailure: null,
    others: [], reason: '', retryDelayMs: 0,
  };
  for (const value of service ? service.metadata.get(STATUS_DETAILS_KEY) : []) {
    if (!Buffer.isBuffer(value)) continue;
    let status: Status__Output;
    try {
      const type = rpcRoot.lookupType('google.rpc.Status');
      status = type.toObject(type.decode(value), TO_OBJECT) as Status__Output;
    } catch {
      continue;  // not a google.rpc.Status: code and message only
    }
    for (const any of status.details) {
      const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
      const field = DETAIL_FIELDS[typeName];
      if (!field) {
        details.others.push(any);
        continue;
      }
      try {
        const type = rpcRoot.lookupType(typeName);
        // Each field's type is the one DETAIL_FIELDS names.
        (details as unknown as Record<DetailField, unknown>)[field] =
          type.toObject(type.decode(any.value), TO_OBJECT);
      } catch {
        details.others.push(any);
      }
    }
  }
  details.reason = details.errorInfo?.reason ?? '';
  const delay = details.retryInfo?.retryDelay;
  if (delay) details.retryDelayMs = Number(delay.seconds) * 1000 + Math.ceil(delay.nanos / 1e6);
  return details;
}

/** Encodes a google.rpc.Status as the gateway sends it (for tests and fakes). */
export function encodeStatusDetails(status: {
  code: number; message: string; details: { typeName: string; value: object }[];
}): Buffer {
  const statusType = rpcRoot.lookupType('google.rpc.Status');
  const details = status.details.map(({ typeName, value }) => {
    const type = rpcRoot.lookupType(typeName);
    return {
      type_url: `type.googleapis.com/${typeName}`,
      value: type.encode(type.fromObject(value)).finish(),
    };
  });
  return Buffer.from(statusType.encode(statusType.fromObject({
    code: status.code, message: status.message, details,
  })).finish());
}
