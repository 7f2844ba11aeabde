// Walks through UploadTokenService and checks every answer; exits non-zero on
// any mismatch. Usage: GATEWAY_ADDRESS=host:port node example.js (compiled
// with tsc; clients/node/run-example.sh does both).
import { randomUUID } from 'crypto';

import { call, createClient, errorDetails, grpc, listAll } from '..';
import type { ErrorDetails, UploadToken__Output } from '..';

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
}

function printDetails(d: ErrorDetails): void {
  console.log(`  code=${d.codeName} message=${JSON.stringify(d.message)}`);
  if (d.errorInfo) {
    console.log(`  ErrorInfo: domain=${d.errorInfo.domain} reason=${d.errorInfo.reason}` +
      ` metadata=${JSON.stringify(d.errorInfo.metadata)}`);
  }
  if (d.resourceInfo) {
    console.log(`  ResourceInfo: type=${d.resourceInfo.resourceType} name=${d.resourceInfo.resourceName}`);
  }
  if (d.retryInfo) {
    console.log(`  RetryInfo: retry_delay=${d.retryInfo.retryDelay?.seconds}s`);
  }
  for (const v of d.badRequest?.fieldViolations ?? []) {
    console.log(`  BadRequest: ${v.field}: ${v.description}`);
  }
}

async function expectError(promise: Promise<unknown>, what: string): Promise<ErrorDetails> {
  try {
    await promise;
  } catch (error) {
    return errorDetails(error as grpc.ServiceError);
  }
  check(false, `${what} should fail`);
  throw new Error('unreachable');
}

// Sets the emulator's reads per window (its test-only control surface).
async function setReadLimit(emulatorUrl: string, reads: number): Promise<void> {
  const response = await fetch(`${emulatorUrl.replace(/\/$/, '')}/_emulator/ratelimit`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reads }), signal: AbortSignal.timeout(5000),
  });
  check(response.ok, 'emulator rate limit');
}

async function main(): Promise<void> {
  const address = process.env.GATEWAY_ADDRESS ?? 'localhost:50051';
  // Every call gets a 5 s deadline unless it sets its own.
  const client = createClient(address, grpc.credentials.createInsecure(), { timeoutMs: 5000 });
  const deadline = () => ({ deadline: Date.now() + 5000 });  // an explicit one

  const created: UploadToken__Output[] = [];
  for (let i = 0; i < 5; i++) {
    const token = await call(client, 'CreateUploadToken', { ttl: 3600 + i }, deadline());
    check(token.token !== '' && token.ttl === 3600 + i, 'create');
    created.push(token);
  }
  console.log(`created ${created.map((t) => t.token).join(', ')}`);

  // A retry with the same requestId gets the same token, not a second one.
  const requestId = randomUUID();
  const once = await call(client, 'CreateUploadToken', { ttl: 60, requestId }, deadline());
  const again = await call(client, 'CreateUploadToken', { ttl: 60, requestId }, deadline());
  console.log(`requestId ${requestId}: ${once.token}, then ${again.token}`);
  check(once.token === again.token, 'requestId: one token');
  created.push(once);

  const got = await call(client, 'GetUploadToken', { token: created[0].token }, deadline());
  console.log(`got ${got.token} ttl=${got.ttl} expires_at=${got.expiresAt?.seconds}s`);
  check(got.token === created[0].token && got.ttl === 3600, 'get');

  // Every page, two at a time, with pageToken (listAll does it).
  const listed: string[] = [];
  for await (const token of listAll(client, { pageSize: 2, orderBy: 'created_at asc' }, deadline())) {
    listed.push(token.token);
  }
  console.log(`listed ${listed.length} tokens`);
  check(new Set(listed).size === listed.length, 'list has no duplicates');
  check(created.every((t) => listed.includes(t.token)), 'list has every created token');

  for (const t of created) {
    await call(client, 'DeleteUploadToken', { token: t.token }, deadline());
  }
  console.log(`deleted ${created.length} tokens`);

  let d = await expectError(
    call(client, 'GetUploadToken', { token: created[0].token }, deadline()), 'get after delete');
  console.log('get after delete:');
  printDetails(d);
  check(d.code === grpc.status.NOT_FOUND, 'NOT_FOUND');
  check(d.errorInfo?.domain === 'api.video', 'ErrorInfo');
  check(d.errorInfo?.reason === 'RESOURCE_NOT_FOUND', 'ErrorInfo.reason');
  check(d.resourceInfo?.resourceName === created[0].token &&
    d.resourceInfo?.resourceType === 'apivideo.uploadtokens.v1.UploadToken', 'ResourceInfo');

  d = await expectError(
    call(client, 'GetUploadToken', { token: 'not a token!' }, deadline()), 'a malformed token');
  console.log('get with a malformed token:');
  printDetails(d);
  check(d.code === grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
  check(d.badRequest?.fieldViolations.length === 1 &&
    d.badRequest.fieldViolations[0].field === 'token', 'BadRequest');

  // Against the emulator (clients/testing/with-gateway.sh), exhaust
  // api.video's read limit: RESOURCE_EXHAUSTED with RetryInfo.
  const emulator = process.env.EMULATOR_URL;
  if (emulator) {
    await setReadLimit(emulator, 0);
    try {
      d = await expectError(
        call(client, 'GetUploadToken', { token: created[1].token }, deadline()), 'a rate-limited get');
    } finally {
      await setReadLimit(emulator, 1000000);
    }
    console.log('get over the rate limit:');
    printDetails(d);
    check(d.code === grpc.status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED');
    check(d.errorInfo?.reason === 'TOO_MANY_REQUESTS', 'ErrorInfo.reason');
    check(Number(d.retryInfo?.retryDelay?.seconds ?? 0) > 0, 'RetryInfo');
  }

  client.close();
  console.log('OK');
}

main().catch((error) => {
  console.error('FAIL:', error);
  process.exit(1);
});
