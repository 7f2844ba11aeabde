// The program of test-package.sh's throwaway project: it uses the installed
// @upload-token-gateway/client as any other project would, walks through
// UploadTokenService against GATEWAY_TARGET over mTLS with the caller token,
// and checks every answer; exits non-zero on any mismatch.
//
// Environment (clients/testing/with-gateway.sh --tls --replicas 2 sets it):
// GATEWAY_TARGET, GATEWAY_CA_FILE, GATEWAY_CLIENT_CERT_FILE,
// GATEWAY_CLIENT_KEY_FILE, GATEWAY_CALLER_TOKEN, EMULATOR_URL.
import { readFileSync } from 'fs';
import { randomUUID } from 'crypto';

import {
  createClient, errorDetails, grpc, ResponseMetadata,
} from '@upload-token-gateway/client';
import type {
  ClientOptions, ErrorDetails, UploadTokenClient, UploadToken__Output,
} from '@upload-token-gateway/client';

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`FAIL: ${name} is not set`);
    process.exit(1);
  }
  return value;
}

function printDetails(d: ErrorDetails): void {
  console.log(`  code=${d.codeName} message=${JSON.stringify(d.message)}`);
  if (d.errorInfo) console.log(`  ErrorInfo: domain=${d.errorInfo.domain} reason=${d.errorInfo.reason}`);
  if (d.resourceInfo) {
    console.log(`  ResourceInfo: type=${d.resourceInfo.resourceType} name=${d.resourceInfo.resourceName}`);
  }
  if (d.retryInfo) console.log(`  RetryInfo: retry_delay=${d.retryDelayMs} ms`);
  for (const v of d.badRequest?.fieldViolations ?? []) console.log(`  BadRequest: ${v.field}: ${v.description}`);
}

// The details of the error `promise` rejects with; fails if it resolves.
async function failureOf(promise: Promise<unknown>, what: string): Promise<ErrorDetails> {
  try {
    await promise;
  } catch (error) {
    const details = errorDetails(error);
    console.log(`${what}:`);
    printDetails(details);
    return details;
  }
  check(false, `${what} fails`);
  throw new Error('unreachable');
}

// Sets the emulator's reads per window (its test-only control surface).
async function setReadLimit(emulatorUrl: string, reads: number): Promise<void> {
  const response = await fetch(`${emulatorUrl.replace(/\/$/, '')}/_emulator/ratelimit`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reads }), signal: AbortSignal.timeout(5000),
  });
  check(response.ok, `emulator read limit set to ${reads}`);
}

async function main(): Promise<void> {
  const options: ClientOptions = {
    target: env('GATEWAY_TARGET'),
    tls: {
      rootCerts: readFileSync(env('GATEWAY_CA_FILE')),
      certChain: readFileSync(env('GATEWAY_CLIENT_CERT_FILE')),
      privateKey: readFileSync(env('GATEWAY_CLIENT_KEY_FILE')),
    },
    bearerToken: env('GATEWAY_CALLER_TOKEN'),
    defaultTimeoutMs: 10000,
  };
  const client: UploadTokenClient = createClient(options);

  // The same channel without the token: the gateway must refuse it, which
  // shows that the token is what lets the calls below in.
  const stranger = createClient({ ...options, bearerToken: undefined });
  const anonymous = await failureOf(stranger.createUploadToken({ ttl: 60 }), 'create without the caller token');
  check(anonymous.code === grpc.status.UNAUTHENTICATED, 'no caller token: UNAUTHENTICATED');
  stranger.close();

  // Enough calls that round_robin sends some to each replica (with-gateway.sh
  // checks both replicas' /metrics afterwards).
  const created: UploadToken__Output[] = [];
  for (let i = 0; i < 6; i++) {
    const token = await client.createUploadToken({ ttl: 3600 + i });
    check(token.token !== '' && token.ttl === 3600 + i, `create ${token.token} ttl=${token.ttl}`);
    created.push(token);
  }

  const metadata = new ResponseMetadata();
  const got = await client.getUploadToken({ token: created[0].token }, { responseMetadata: metadata });
  check(got.token === created[0].token && got.ttl === 3600, `get ${got.token}`);
  console.log(`  x-cache=${metadata.get('x-cache')} x-ratelimit-limit=${metadata.get('x-ratelimit-limit')}` +
    ` x-ratelimit-remaining=${metadata.get('x-ratelimit-remaining')}`);
  check(metadata.get('x-cache') !== undefined, 'get returns x-cache');

  // A Create costs a write of api.video's quota: its answer carries the rate limit.
  const createMetadata = new ResponseMetadata();
  const extra = await client.createUploadToken({ ttl: 120 }, { responseMetadata: createMetadata });
  created.push(extra);
  check(/^\d+$/.test(createMetadata.get('x-ratelimit-limit') ?? '') &&
    /^\d+$/.test(createMetadata.get('x-ratelimit-remaining') ?? ''),
    `create returns x-ratelimit-limit=${createMetadata.get('x-ratelimit-limit')}` +
    ` x-ratelimit-remaining=${createMetadata.get('x-ratelimit-remaining')}`);

  // Every page, two at a time.
  const listed: string[] = [];
  for await (const token of client.listAll({ pageSize: 2 })) listed.push(token.token);
  check(listed.length >= created.length, `listed ${listed.length} tokens, two a page`);
  check(new Set(listed).size === listed.length, 'list has no duplicates');
  check(created.every((t) => listed.includes(t.token)), 'list has every created token');
  const firstPage = await client.listUploadTokens({ pageSize: 2 });
  check(firstPage.uploadTokens.length === 2 && firstPage.nextPageToken !== '', 'one page holds two');

  // The same request_id twice: one token. Without one, each Create is new.
  const requestId = randomUUID();
  const once = await client.createUploadToken({ ttl: 60, requestId });
  const again = await client.createUploadToken({ ttl: 60, requestId });
  check(once.token === again.token, `request_id ${requestId}: one token (${once.token})`);
  const fresh1 = await client.createUploadToken({ ttl: 60 });
  const fresh2 = await client.createUploadToken({ ttl: 60 });
  check(fresh1.token !== fresh2.token, 'without request_id: two tokens');
  created.push(once, fresh1, fresh2);

  // A per-call deadline over the client's default: a client whose default
  // is 1 ms fails, the same call with its own 10 s succeeds.
  const hurried = createClient({ ...options, defaultTimeoutMs: 1 });
  const late = await failureOf(hurried.getUploadToken({ token: created[0].token }), 'get within 1 ms');
  check(late.code === grpc.status.DEADLINE_EXCEEDED, 'the default deadline applies: DEADLINE_EXCEEDED');
  const onTime = await hurried.getUploadToken({ token: created[0].token }, { timeoutMs: 10000 });
  check(onTime.token === created[0].token, 'a per-call deadline replaces the default');
  hurried.close();

  for (const t of created) await client.deleteUploadToken({ token: t.token });
  check(true, `deleted ${created.length} tokens`);

  let d = await failureOf(client.getUploadToken({ token: created[0].token }), 'get after delete');
  check(d.code === grpc.status.NOT_FOUND, 'NOT_FOUND');
  check(d.errorInfo?.domain === 'api.video' && d.reason === 'RESOURCE_NOT_FOUND', 'ErrorInfo domain and reason');
  check(d.resourceInfo?.resourceName === created[0].token &&
    d.resourceInfo?.resourceType === 'apivideo.uploadtokens.v1.UploadToken', 'ResourceInfo');

  d = await failureOf(client.getUploadToken({ token: 'not a token!' }), 'get with a malformed token');
  check(d.code === grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
  check(d.badRequest?.fieldViolations.length === 1 && d.badRequest.fieldViolations[0].field === 'token',
    'BadRequest on token');

  // Exhaust api.video's read limit: RESOURCE_EXHAUSTED with RetryInfo. The
  // token is a well-formed name never asked before, so that no cache of the
  // gateway answers it and the read goes to api.video.
  const emulator = env('EMULATOR_URL');
  const unseen = `to${randomUUID().replace(/-/g, '').slice(0, 22)}`;
  await setReadLimit(emulator, 0);
  try {
    d = await failureOf(client.getUploadToken({ token: unseen }), 'a rate-limited get');
    check(d.code === grpc.status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED');
    check(d.reason === 'TOO_MANY_REQUESTS', 'ErrorInfo.reason TOO_MANY_REQUESTS');
    check(d.retryDelayMs > 0, 'RetryInfo with a delay');
    // listAll gives the error up when the wait does not fit its limit.
    const listing = async () => {
      for await (const token of client.listAll({ pageSize: 2 }, { maxWaitMs: 0 })) void token;
    };
    d = await failureOf(listing(), 'listAll over the rate limit, no wait allowed');
    check(d.code === grpc.status.RESOURCE_EXHAUSTED && d.retryDelayMs > 0, 'listAll: RESOURCE_EXHAUSTED');
  } finally {
    await setReadLimit(emulator, 1000000);
  }

  client.close();
  console.log('all checks passed');
}

// Never called: tsc --strict must reject each line under @ts-expect-error,
// which shows that the installed package's types are real (were they `any`,
// an unused @ts-expect-error is itself an error).
export function typesAreChecked(client: UploadTokenClient, token: UploadToken__Output): void {
  // @ts-expect-error ttl is a number
  void client.createUploadToken({ ttl: '3600' });
  // @ts-expect-error getUploadToken takes a request object
  void client.getUploadToken(token.token);
  // @ts-expect-error no such method
  void client.createToken({ ttl: 60 });
  // @ts-expect-error an UploadToken's token is a string
  const ttl: number = token.token;
  void ttl;
}

main().catch((error) => {
  console.error('FAIL:', error);
  process.exit(1);
});
