// Unit tests of the helpers against an in-process fake UploadTokenService
// (npm test). The live gateway is test-package.sh's.
import * as assert from 'assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  createClient, defaultServiceConfig, encodeStatusDetails, errorDetails, grpc,
  packageDefinition, ResponseMetadata, STATUS_DETAILS_KEY,
} from '../src/index';
import type { UploadTokenServiceHandlers } from '../src/index';

type Handlers = Partial<UploadTokenServiceHandlers>;

// A server whose handlers each test sets; `calls` counts them by method.
class FakeGateway {
  server = new grpc.Server();
  handlers: Handlers = {};
  calls: Record<string, number> = {};
  target = '';

  async start(): Promise<void> {
    const service = (grpc.loadPackageDefinition(packageDefinition) as any)
      .apivideo.uploadtokens.v1.UploadTokenService.service as grpc.ServiceDefinition;
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const name of Object.keys(service)) {
      implementation[name] = (call: any, callback: any) => {
        this.calls[name] = (this.calls[name] ?? 0) + 1;
        const handler = (this.handlers as any)[name];
        if (!handler) return callback({ code: grpc.status.UNIMPLEMENTED, details: name });
        handler(call, callback);
      };
    }
    this.server.addService(service, implementation);
    const port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(),
        (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    this.target = `127.0.0.1:${port}`;
  }

  reset(handlers: Handlers): void {
    this.handlers = handlers;
    this.calls = {};
  }
}

function failure(code: grpc.status, details: string, detailsBin?: Buffer): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (detailsBin) metadata.set(STATUS_DETAILS_KEY, detailsBin);
  return { code, details, metadata };
}

const TOKEN = {
  token: 'to1tcmSFHeYY5KzyhOqVKMKb', ttl: 60, createdAt: null, expiresAt: null,
};
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createClient', () => {
  it('refuses a bearer token without TLS', () => {
    assert.throws(() => createClient({ target: 'localhost:1', bearerToken: 'secret' }), /TLS/);
  });
  it('refuses half a client certificate', () => {
    assert.throws(() => createClient({ target: 'localhost:1', tls: { certChain: 'x' } }), /mTLS/);
  });
  it('refuses no target', () => {
    assert.throws(() => createClient({ target: '' }), /target/);
  });
  it('balances with round_robin and lets gRPC retry reads only', () => {
    const config = defaultServiceConfig() as any;
    assert.deepEqual(config.loadBalancingConfig, [{ round_robin: {} }]);
    const retried = config.methodConfig.flatMap((m: any) => m.name.map((n: any) => n.method));
    assert.deepEqual(retried.sort(), ['GetUploadToken', 'ListUploadTokens']);
    assert.deepEqual(config.methodConfig[0].retryPolicy.retryableStatusCodes, ['UNAVAILABLE']);
  });
});

describe('UploadTokenClient against a fake gateway', () => {
  const fake = new FakeGateway();
  before(() => fake.start());
  after(() => fake.server.forceShutdown());
  const client = () => createClient({ target: fake.target, createBackoffMs: 10 });

  it('sets a UUIDv4 request_id on Create and resends it on UNAVAILABLE', async () => {
    const seen: string[] = [];
    fake.reset({
      CreateUploadToken: (call, callback) => {
        seen.push(call.request.requestId);
        if (seen.length < 3) callback(failure(grpc.status.UNAVAILABLE, 'gone'));
        else callback(null, TOKEN);
      },
    });
    const c = client();
    const token = await c.createUploadToken({ ttl: 60 });
    assert.equal(token.token, TOKEN.token);
    assert.equal(seen.length, 3);
    assert.match(seen[0], UUID_V4);
    assert.deepEqual(new Set(seen).size, 1);
    // The caller's own request_id is kept; another Create gets a fresh one.
    seen.length = 0;
    await c.createUploadToken({ ttl: 60, requestId: '4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f' });
    assert.equal(seen[2], '4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f');
    seen.length = 0;
    await c.createUploadToken();
    assert.notEqual(seen[0], '4f9b6c1e-2d3a-4b5c-8e7f-0a1b2c3d4e5f');
    c.close();
  });

  it('does not retry a Create the gateway answered, nor let gRPC retry it', async () => {
    fake.reset({ CreateUploadToken: (_call, callback) => callback(failure(grpc.status.INTERNAL, 'no')) });
    const c = client();
    await assert.rejects(c.createUploadToken({ ttl: 1 }), { code: grpc.status.INTERNAL });
    assert.equal(fake.calls.CreateUploadToken, 1);
    c.close();
    fake.reset({ CreateUploadToken: (_call, callback) => callback(failure(grpc.status.UNAVAILABLE, 'x')) });
    const once = createClient({ target: fake.target, createAttempts: 1 });
    await assert.rejects(once.createUploadToken({ ttl: 1 }), { code: grpc.status.UNAVAILABLE });
    assert.equal(fake.calls.CreateUploadToken, 1);
    once.close();
  });

  it('lets gRPC retry GetUploadToken on UNAVAILABLE (the service config applies)', async () => {
    fake.reset({
      GetUploadToken: (_call, callback) => {
        if (fake.calls.GetUploadToken === 1) callback(failure(grpc.status.UNAVAILABLE, 'gone'));
        else callback(null, TOKEN);
      },
    });
    const c = client();
    assert.equal((await c.getUploadToken({ token: TOKEN.token })).token, TOKEN.token);
    assert.equal(fake.calls.GetUploadToken, 2);
    c.close();
  });

  it('sends per-call metadata and returns initial and trailing metadata', async () => {
    fake.reset({
      GetUploadToken: (call, callback) => {
        const initial = new grpc.Metadata();
        initial.set('x-cache', 'miss');
        initial.set('x-echo', String(call.metadata.get('traceparent')[0] ?? ''));
        call.sendMetadata(initial);
        const trailing = new grpc.Metadata();
        trailing.set('x-trailer', 'yes');
        callback(null, TOKEN, trailing);
      },
    });
    const c = client();
    const metadata = new ResponseMetadata();
    await c.getUploadToken({ token: TOKEN.token }, { metadata: { traceparent: 't-1' }, responseMetadata: metadata });
    assert.equal(metadata.get('x-cache'), 'miss');
    assert.equal(metadata.get('x-echo'), 't-1');
    assert.equal(metadata.get('x-trailer'), 'yes');
    assert.equal(metadata.trailing.get('x-trailer')[0], 'yes');
    const asMetadata = new grpc.Metadata();
    asMetadata.set('traceparent', 't-2');
    await c.getUploadToken({ token: TOKEN.token }, { metadata: asMetadata, responseMetadata: metadata });
    assert.equal(metadata.get('x-echo'), 't-2');
    c.close();
  });

  it('gives every call the default deadline, and a per-call one over it', async () => {
    fake.reset({ GetUploadToken: (_call, callback) => setTimeout(() => callback(null, TOKEN), 300) });
    const c = createClient({ target: fake.target, defaultTimeoutMs: 100 });
    await assert.rejects(c.getUploadToken({ token: TOKEN.token }), { code: grpc.status.DEADLINE_EXCEEDED });
    assert.equal((await c.getUploadToken({ token: TOKEN.token }, { timeoutMs: 5000 })).token, TOKEN.token);
    c.close();
  });

  it('decodes every detail the gateway sends', async () => {
    const bin = encodeStatusDetails({
      code: grpc.status.RESOURCE_EXHAUSTED, message: 'slow down', details: [
        { typeName: 'google.rpc.ErrorInfo', value: { reason: 'TOO_MANY_REQUESTS', domain: 'api.video', metadata: { a: 'b' } } },
        { typeName: 'google.rpc.ResourceInfo', value: { resourceType: 't', resourceName: 'n' } },
        { typeName: 'google.rpc.RetryInfo', value: { retryDelay: { seconds: 2, nanos: 500000000 } } },
        { typeName: 'google.rpc.BadRequest', value: { fieldViolations: [{ field: 'ttl', description: 'd' }] } },
        { typeName: 'google.rpc.QuotaFailure', value: { violations: [{ subject: 's', description: 'q' }] } },
        { typeName: 'google.rpc.DebugInfo', value: { detail: 'x' } },
      ],
    });
    fake.reset({ GetUploadToken: (_call, callback) => callback(failure(grpc.status.RESOURCE_EXHAUSTED, 'slow down', bin)) });
    const c = client();
    const error = await c.getUploadToken({ token: 'x' }).then(() => null, (e: unknown) => e);
    const d = errorDetails(error);
    assert.equal(d.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(d.codeName, 'RESOURCE_EXHAUSTED');
    assert.equal(d.message, 'slow down');
    assert.equal(d.reason, 'TOO_MANY_REQUESTS');
    assert.deepEqual(d.errorInfo?.metadata, { a: 'b' });
    assert.equal(d.resourceInfo?.resourceName, 'n');
    assert.equal(d.retryDelayMs, 2500);
    assert.equal(d.badRequest?.fieldViolations[0].field, 'ttl');
    assert.equal(d.quotaFailure?.violations[0].subject, 's');
    assert.equal(d.others.length, 1);
    assert.match(d.others[0].type_url, /DebugInfo$/);
    c.close();
    // Not a ServiceError: code and message only.
    assert.equal(errorDetails(new Error('boom')).codeName, 'UNKNOWN');
  });

  it('lists every page, waiting out RetryInfo within maxWaitMs', async () => {
    const exhausted = encodeStatusDetails({
      code: grpc.status.RESOURCE_EXHAUSTED, message: 'wait', details: [
        { typeName: 'google.rpc.RetryInfo', value: { retryDelay: { seconds: 0, nanos: 200000000 } } },
      ],
    });
    const pages: Record<string, { uploadTokens: object[]; nextPageToken: string }> = {
      '': { uploadTokens: [{ ...TOKEN, token: 'a' }, { ...TOKEN, token: 'b' }], nextPageToken: 'p2' },
      p2: { uploadTokens: [{ ...TOKEN, token: 'c' }], nextPageToken: '' },
    };
    let refusals = 0;
    fake.reset({
      ListUploadTokens: (call, callback) => {
        assert.equal(call.request.pageSize, 2);
        if (call.request.pageToken === 'p2' && refusals++ === 0) {
          return callback(failure(grpc.status.RESOURCE_EXHAUSTED, 'wait', exhausted));
        }
        callback(null, pages[call.request.pageToken]);
      },
    });
    const c = client();
    const started = Date.now();
    const tokens: string[] = [];
    for await (const t of c.listAll({ pageSize: 2 })) tokens.push(t.token);
    assert.deepEqual(tokens, ['a', 'b', 'c']);
    assert.ok(Date.now() - started >= 200, 'waited the RetryInfo delay');
    refusals = 0;
    const listing = async () => { for await (const _ of c.listAll({ pageSize: 2 }, { maxWaitMs: 100 })) { /* */ } };
    await assert.rejects(listing(), { code: grpc.status.RESOURCE_EXHAUSTED });
    c.close();
  });
});
