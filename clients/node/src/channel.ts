// The channel the deployment expects: every replica used (round_robin over
// what the target resolves to, e.g. the headless Service's `dns:///…` name),
// TLS or mTLS, the caller's bearer token on every call, and reads retried by
// gRPC itself when a replica is unavailable.
import * as grpc from '@grpc/grpc-js';

export const SERVICE_NAME = 'apivideo.uploadtokens.v1.UploadTokenService';

/** PEM contents (not file names); read them with fs.readFileSync. */
export interface TlsOptions {
  /** The CAs that may sign the gateway's certificate; absent: the system's. */
  rootCerts?: Buffer | string;
  /** For mTLS (the gateway's --client_ca_file): both or neither. */
  certChain?: Buffer | string;
  privateKey?: Buffer | string;
}

export interface ChannelOptions {
  /**
   * Where the gateway is: "dns:///upload-token-gateway.ns.svc:50051" (every
   * replica behind a headless Service), "host:port", "unix:/path".
   */
  target: string;
  /** Plaintext when absent: only for a gateway on the same host. */
  tls?: TlsOptions;
  /**
   * The caller's token (the gateway's --caller_tokens_file), sent as
   * `authorization: Bearer <token>` on every call. Needs `tls`: a credential
   * is never sent in clear.
   */
  bearerToken?: string;
  /** More grpc-js channel options; the service config below is set over them. */
  channelOptions?: grpc.ChannelOptions;
}

/**
 * The service config every channel gets: round_robin, and up to 3 attempts of
 * GetUploadToken and ListUploadTokens on UNAVAILABLE (a replica gone or
 * restarting). Create, Delete and Purge are not retried by gRPC: Create is
 * retried by the client with its request_id, which makes a retry safe.
 */
export function defaultServiceConfig(): object {
  return {
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: [{
      name: [
        { service: SERVICE_NAME, method: 'GetUploadToken' },
        { service: SERVICE_NAME, method: 'ListUploadTokens' },
      ],
      // gRFC A6. The backoff spans ~0.1 s to 1 s: long enough for a
      // Service's endpoints to drop a replica that went away.
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: '0.1s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    }],
  };
}

function pem(value: Buffer | string | undefined): Buffer | null {
  if (value === undefined || value.length === 0) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

/**
 * The credentials and channel options for `options`; throws a TypeError for
 * options that cannot make a channel (no target, half a client certificate, a
 * token without TLS).
 */
export function channelArguments(options: ChannelOptions): {
  credentials: grpc.ChannelCredentials; channelOptions: grpc.ChannelOptions;
} {
  if (!options.target) throw new TypeError('the channel needs a target');
  let credentials: grpc.ChannelCredentials;
  if (options.tls) {
    const certChain = pem(options.tls.certChain);
    const privateKey = pem(options.tls.privateKey);
    if ((certChain === null) !== (privateKey === null)) {
      throw new TypeError('mTLS needs both the client certificate chain and its private key');
    }
    credentials = grpc.credentials.createSsl(pem(options.tls.rootCerts), privateKey, certChain);
    if (options.bearerToken) {
      const authorization = `Bearer ${options.bearerToken}`;
      credentials = grpc.credentials.combineChannelCredentials(credentials,
        grpc.credentials.createFromMetadataGenerator((_params, callback) => {
          const metadata = new grpc.Metadata();
          metadata.set('authorization', authorization);
          callback(null, metadata);
        }));
    }
  } else {
    if (options.bearerToken) {
      throw new TypeError('a bearer token is sent only over TLS: set the tls option');
    }
    credentials = grpc.credentials.createInsecure();
  }
  return {
    credentials,
    channelOptions: {
      ...options.channelOptions,
      'grpc.service_config': JSON.stringify(defaultServiceConfig()),
      // A service config published in DNS TXT records must not replace ours.
      'grpc.service_config_disable_resolution': 1,
    },
  };
}
