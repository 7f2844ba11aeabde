// Drives the emulator with the official api.video Node client
// (@api.video/nodejs-client, pinned in package.json) to check that the client
// cannot tell it from the real service for upload tokens and auth.
//
// Run: npm ci && node --test emulator.test.mjs
// EMULATOR_BIN overrides the binary (default ../../../build/bin/apivideo_emulator).

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ApiVideoClient from '@api.video/nodejs-client';
import apiVideoErrorModule from '@api.video/nodejs-client/lib/ApiVideoError.js';

const ApiVideoError = apiVideoErrorModule.default;
const here = path.dirname(fileURLToPath(import.meta.url));
const emulatorBin =
  process.env.EMULATOR_BIN || path.resolve(here, '../../../build/bin/apivideo_emulator');
const apiKey = randomBytes(16).toString('hex');
const TOKEN_RE = /^to[0-9A-Za-z]{22}$/;

let emulator;
let baseUri;
let client;

// Starts the emulator and resolves with its base URI from the listening line.
function startEmulator() {
  return new Promise((resolve, reject) => {
    const proc = spawn(emulatorBin, ['--listen=127.0.0.1:0', `--api_key=${apiKey}`], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const timer = setTimeout(() => reject(new Error('no listening line within 10s')), 10000);
    proc.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${emulatorBin}: ${err.message}`));
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early with code ${code}`));
    });
    const lines = createInterface({ input: proc.stderr });
    lines.on('line', (line) => {
      const m = /^apivideo_emulator: listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, uri: m[1] });
      } else {
        process.stderr.write(`${line}\n`);
      }
    });
  });
}

// Calls the emulator's control surface.
async function control(method, controlPath, body) {
  const res = await fetch(`${baseUri}/_emulator/${controlPath}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.equal(res.status, 200, `control ${method} ${controlPath}: ${text}`);
  return JSON.parse(text);
}

// Asserts that promise rejects with an ApiVideoError of the given status and
// returns the error's problem details.
async function expectApiError(promise, status) {
  const err = await promise.then(
    (v) => assert.fail(`expected an error, got ${JSON.stringify(v)}`),
    (e) => e,
  );
  assert.ok(err instanceof ApiVideoError, `not an ApiVideoError: ${err}`);
  assert.equal(err.code, status);
  assert.equal(err.problemDetails.status, status);
  assert.equal(err.message, err.problemDetails.title);
  return err.problemDetails;
}

const ids = (list) => list.data.map((t) => t.token);

before(async () => {
  const started = await startEmulator();
  emulator = started.proc;
  emulator.removeAllListeners('exit');
  baseUri = started.uri;
  client = new ApiVideoClient({ apiKey, baseUri });
});

after(async () => {
  if (!emulator || emulator.exitCode !== null) return;
  const exited = new Promise((resolve) => emulator.on('exit', resolve));
  emulator.kill('SIGTERM');
  const code = await exited;
  assert.equal(code, 0, 'emulator should exit 0 on SIGTERM');
});

beforeEach(async () => {
  await control('POST', 'reset');
  await control('POST', 'ratelimit', { reads: 1000000, writes: 1000000, window_seconds: 60 });
});

test('createToken with a ttl returns a token with expiresAt = createdAt + ttl', async () => {
  const res = await client.uploadTokens.createTokenWithResponseHeaders({ ttl: 3600 });
  assert.equal(res.headers['content-type'], 'application/json');
  assert.match(res.headers['x-ratelimit-limit'], /^\d+$/);
  const tok = res.body;
  assert.match(tok.token, TOKEN_RE);
  assert.equal(tok.ttl, 3600);
  assert.ok(tok.createdAt instanceof Date && !Number.isNaN(tok.createdAt.getTime()));
  assert.equal(tok.expiresAt.getTime() - tok.createdAt.getTime(), 3600 * 1000);
});

test('createToken without a ttl gives ttl 0 and no expiresAt', async () => {
  const tok = await client.uploadTokens.createToken();
  assert.match(tok.token, TOKEN_RE);
  assert.equal(tok.ttl, 0);
  assert.equal(tok.expiresAt, undefined);
});

test('getToken returns what createToken returned', async () => {
  const created = await client.uploadTokens.createToken({ ttl: 100 });
  const got = await client.uploadTokens.getToken(created.token);
  assert.deepEqual(got, created);
});

test('list sorts by createdAt desc and by ttl asc', async () => {
  const a = await client.uploadTokens.createToken({ ttl: 30 });
  await control('POST', 'clock', { advance_seconds: 2 });
  const b = await client.uploadTokens.createToken({ ttl: 10 });
  await control('POST', 'clock', { advance_seconds: 2 });
  const c = await client.uploadTokens.createToken({ ttl: 20 });

  const byCreated = await client.uploadTokens.list({ sortBy: 'createdAt', sortOrder: 'desc' });
  assert.deepEqual(ids(byCreated), [c.token, b.token, a.token]);
  const byTTL = await client.uploadTokens.list({ sortBy: 'ttl', sortOrder: 'asc' });
  assert.deepEqual(ids(byTTL), [b.token, c.token, a.token]);
  assert.deepEqual(
    byTTL.pagination.links.map((l) => l.uri),
    [
      '/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=1&pageSize=25',
      '/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=1&pageSize=25',
      '/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=1&pageSize=25',
    ],
  );
});

test('list pages 5 tokens by 2 with pagination fields and link rels', async () => {
  const created = [];
  for (let i = 0; i < 5; i++) created.push((await client.uploadTokens.createToken()).token);

  const page2 = await client.uploadTokens.list({ currentPage: 2, pageSize: 2 });
  assert.deepEqual(ids(page2), created.slice(2, 4));
  const { links, ...fields } = page2.pagination;
  assert.deepEqual(
    { ...fields },
    { itemsTotal: 5, pagesTotal: 3, pageSize: 2, currentPage: 2, currentPageItems: 2 },
  );
  assert.deepEqual(
    links.map((l) => [l.rel, l.uri]),
    [
      ['self', '/upload-tokens?currentPage=2&pageSize=2'],
      ['first', '/upload-tokens?currentPage=1&pageSize=2'],
      ['previous', '/upload-tokens?currentPage=1&pageSize=2'],
      ['next', '/upload-tokens?currentPage=3&pageSize=2'],
      ['last', '/upload-tokens?currentPage=3&pageSize=2'],
    ],
  );

  const page1 = await client.uploadTokens.list({ currentPage: 1, pageSize: 2 });
  assert.deepEqual(page1.pagination.links.map((l) => l.rel), ['self', 'first', 'next', 'last']);
  const page3 = await client.uploadTokens.list({ currentPage: 3, pageSize: 2 });
  assert.deepEqual(ids(page3), created.slice(4));
  assert.equal(page3.pagination.currentPageItems, 1);
  assert.deepEqual(page3.pagination.links.map((l) => l.rel), ['self', 'first', 'previous', 'last']);
});

test('deleteToken succeeds, then getToken fails with a 404 problem', async () => {
  const tok = await client.uploadTokens.createToken({ ttl: 60 });
  const del = await client.uploadTokens.deleteTokenWithResponseHeaders(tok.token);
  assert.equal(del.headers['content-type'], undefined);
  const problem = await expectApiError(client.uploadTokens.getToken(tok.token), 404);
  assert.deepEqual(problem, {
    type: 'https://docs.api.video/reference/resource-not-found',
    title: 'The requested resource was not found.',
    name: 'uploadToken',
    status: 404,
  });
  await expectApiError(client.uploadTokens.deleteToken(tok.token), 404);
});

test('a wrong API key is refused with 401', async () => {
  const wrong = new ApiVideoClient({ apiKey: 'not-the-key', baseUri });
  const problem = await expectApiError(wrong.uploadTokens.list(), 401);
  assert.equal(problem.type, 'https://docs.api.video/reference/authentication-invalid-api-key');
  assert.equal(problem.title, 'The API key is invalid.');
});

test('a ttl out of range is refused with 400 naming ttl', async () => {
  for (const ttl of [-1, 2147483648]) {
    const problem = await expectApiError(client.uploadTokens.createToken({ ttl }), 400);
    assert.equal(problem.type, 'https://docs.api.video/reference/invalid-attribute');
    assert.equal(problem.name, 'ttl');
  }
});

test('an exhausted read bucket gives 429 with X-RateLimit headers', async () => {
  await control('POST', 'ratelimit', { reads: 2 });
  const first = await client.uploadTokens.listWithResponseHeaders();
  assert.equal(first.headers['x-ratelimit-limit'], '2');
  assert.equal(first.headers['x-ratelimit-remaining'], '1');
  assert.match(first.headers['x-ratelimit-retry-after'], /^\d+$/);
  await client.uploadTokens.list();

  const problem = await expectApiError(client.uploadTokens.list(), 429);
  assert.deepEqual(problem, {
    type: 'https://docs.api.video/reference/too-many-requests',
    title: 'Too many requests.',
    status: 429,
  });
  // ApiVideoError carries only the status and the body, not the headers, so
  // the 429's headers are checked on the wire.
  const raw = await fetch(`${baseUri}/upload-tokens`, {
    headers: { Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
  });
  assert.equal(raw.status, 429);
  assert.equal(raw.headers.get('x-ratelimit-remaining'), '0');
  assert.ok(Number(raw.headers.get('x-ratelimit-retry-after')) >= 1);
  assert.equal(raw.headers.get('retry-after'), null);

  // Writes have their own bucket.
  await client.uploadTokens.createToken();
});

test('a token is gone once the emulator clock passes its expiry', async () => {
  const short = await client.uploadTokens.createToken({ ttl: 60 });
  const forever = await client.uploadTokens.createToken();
  await control('POST', 'clock', { advance_seconds: 61 });
  await expectApiError(client.uploadTokens.getToken(short.token), 404);
  assert.deepEqual(ids(await client.uploadTokens.list()), [forever.token]);
});

test('getAccessToken gets a bearer token from /auth/api-key', async () => {
  const tok = await client.getAccessToken();
  assert.equal(tok.tokenType, 'Bearer');
  assert.equal(tok.expiresIn, 3600);
  assert.equal(tok.accessToken.split('.').length, 3);
  assert.match(tok.refreshToken, /^def50200[0-9a-f]+$/);
  const res = await fetch(`${baseUri}/upload-tokens`, {
    headers: { Authorization: `Bearer ${tok.accessToken}` },
  });
  assert.equal(res.status, 200);
});

test('the emulator saw what the client sends', async () => {
  await client.uploadTokens.createToken({ ttl: 5 });
  const { requests } = await control('GET', 'requests?limit=1');
  assert.equal(requests.length, 1);
  const [req] = requests;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/upload-tokens');
  assert.equal(req.authorization_scheme, 'Basic');
  assert.equal(req.content_type, 'application/json');
  assert.equal(req.accept, 'application/json, */*;q=0.8');
  assert.match(req.av_origin_client, /^nodejs:/);
  const stats = await control('GET', 'stats');
  assert.equal(stats.requests['POST /upload-tokens'], 1);
  assert.equal(stats.tokens_created, 1);
});
