// Holds the emulator to api.video's OpenAPI spec
// (third_party/apivideo-openapi/openapi.yaml, vendored unchanged):
// every upload-token and auth operation of the spec is called on a running
// emulator, for each status the spec lists, and each answer is checked:
//
// - its status is one the spec lists for the operation;
// - its body validates against the spec's schema for that status, with every
//   object closed (a property the spec does not name is an error, so the
//   emulator cannot invent fields that clients would then rely on);
// - its Content-Type is the spec's media type, except where DIFFERENCES says
//   why not.
//
// Run by `make test` (ctest: emulator_spec_conformance) after `npm ci` here:
//   EMULATOR_BIN=../../../build/bin/apivideo_emulator node --test spec.test.mjs

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const specFile =
  process.env.SPEC_FILE || path.resolve(here, '../../../third_party/apivideo-openapi/openapi.yaml');
const emulatorBin =
  process.env.EMULATOR_BIN || path.resolve(here, '../../../build/bin/apivideo_emulator');
const apiKey = randomBytes(16).toString('hex');

// Where the emulator departs from the spec on purpose, and why. Each is
// checked to still be needed: an entry the answers no longer need fails.
const DIFFERENCES = {
  // The spec lists error bodies under application/json, but the official
  // Node client up to v2.4 made an ApiVideoError only of
  // application/problem+json, which is what the live API sends
  // (shared/reference/apivideo-api.md, "Content type").
  errorMediaType: 'application/problem+json',
  // The spec lists no 401 for these operations (only security schemes); the
  // live API answers a missing or wrong credential with 401 and a
  // problem+json body (apivideo-api.md, "Errors"). Checked as a problem
  // body with the not-found schema's fields.
  unlistedStatuses: new Set([401]),
  // Pagination links are `format: uri` in the spec, yet every example of
  // the live API (and the spec's own list example) has a path relative to
  // the API's base, "/upload-tokens?currentPage=1&pageSize=25"
  // (apivideo-api.md, "List"). Accepted as a relative reference that starts
  // with "/".
  relativeLinkUris: true,
  // Error bodies may carry RFC 7807's `detail`, as the spec's own examples
  // of 400 answers do ("This value should be between 0 and 2147483647."),
  // though its bad-request, not-found and too-many-requests schemas do not
  // name it (apivideo-api.md, "Errors"). Allowed there as a string.
  problemDetail: ['bad-request', 'not-found', 'too-many-requests'],
};

const spec = YAML.parse(readFileSync(specFile, 'utf8'));

// Every object schema that names its properties becomes closed.
function closeObjects(node) {
  if (Array.isArray(node)) {
    node.forEach(closeObjects);
  } else if (node && typeof node === 'object') {
    if (node.properties && node.additionalProperties === undefined) {
      node.additionalProperties = false;
    }
    Object.values(node).forEach(closeObjects);
  }
}
const components = structuredClone(spec.components);
for (const name of DIFFERENCES.problemDetail) {
  components.schemas[name].properties.detail = { type: 'string' };
}
closeObjects(components.schemas);

// OpenAPI 3.0 keywords (example, readOnly, x-...) are not JSON Schema: not
// strict. `nullable` is understood by Ajv.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const differencesUsed = new Set(); // keys of DIFFERENCES some answer needed
ajv.addFormat('uri', (value) => {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    try {
      return Boolean(new URL(value));
    } catch {
      return false;
    }
  }
  if (!value.startsWith('/') || value.startsWith('//') || /\s/.test(value)) return false;
  differencesUsed.add('relativeLinkUris');
  return true;
});
ajv.addSchema({ $id: 'spec.json', components }, 'spec.json');

// The spec's answer for `method` on `specPath` with `status`: {mediaType,
// validate} or null when the spec lists no content.
function specAnswer(specPath, method, status) {
  const operation = spec.paths[specPath]?.[method];
  assert.ok(operation, `the spec has no ${method.toUpperCase()} ${specPath}`);
  const response = operation.responses[String(status)];
  if (!response) return undefined;
  const content = response.content;
  if (!content) return null;
  const [mediaType, { schema }] = Object.entries(content)[0];
  const ref = schema.$ref.replace('#/', 'spec.json#/');
  return { mediaType, validate: ajv.getSchema(ref) ?? ajv.compile({ $ref: ref }) };
}

let emulator;
let baseUri;
const checked = new Set(); // "METHOD path status" of every answer checked

function startEmulator() {
  return new Promise((resolve, reject) => {
    const proc = spawn(emulatorBin, ['--listen=127.0.0.1:0', `--api_key=${apiKey}`], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const timer = setTimeout(() => reject(new Error('no listening line within 10s')), 10000);
    proc.on('error', (err) => reject(new Error(`cannot start ${emulatorBin}: ${err.message}`)));
    const lines = createInterface({ input: proc.stderr });
    lines.on('line', (line) => {
      const m = /^apivideo_emulator: listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, uri: m[1] });
      }
    });
  });
}

async function control(method, controlPath, body) {
  const res = await fetch(`${baseUri}/_emulator/${controlPath}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `control ${controlPath}: ${res.status}`);
}

const basic = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

// Calls the emulator and checks the answer against the spec's `specPath`;
// returns the parsed body (or null).
async function call(method, urlPath, specPath, { body, auth = basic, wantStatus } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth) headers.Authorization = auth;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${baseUri}${urlPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const where = `${method} ${urlPath} -> ${res.status}`;
  assert.equal(res.status, wantStatus, `${where}: ${text}`);
  const contentType = res.headers.get('content-type');
  let answer = specAnswer(specPath, method.toLowerCase(), res.status);
  if (answer === undefined) {
    assert.ok(
      DIFFERENCES.unlistedStatuses.has(res.status),
      `${where}: the spec lists no ${res.status} for ${method} ${specPath}`,
    );
    differencesUsed.add('unlistedStatuses');
    answer = { mediaType: 'application/json', validate: ajv.getSchema('spec.json#/components/schemas/not-found') };
  }
  checked.add(`${method} ${specPath} ${res.status}`);
  if (answer === null) {
    assert.equal(text, '', `${where}: the spec lists no body`);
    assert.equal(contentType, null, `${where}: no body, no Content-Type`);
    return null;
  }
  const isError = res.status >= 400 && answer.mediaType === 'application/json';
  if (isError) differencesUsed.add('errorMediaType');
  const expectedType = isError ? DIFFERENCES.errorMediaType : answer.mediaType;
  assert.equal(contentType, expectedType, `${where}: Content-Type`);
  const parsed = JSON.parse(text);
  if (res.status >= 400 && 'detail' in parsed) differencesUsed.add('problemDetail');
  const valid = answer.validate(parsed);
  assert.ok(valid, `${where}: ${text}\n${ajv.errorsText(answer.validate.errors)}`);
  return parsed;
}

before(async () => {
  ({ proc: emulator, uri: baseUri } = await startEmulator());
});

after(() => emulator?.kill());

beforeEach(async () => {
  await control('POST', 'reset');
  await control('POST', 'ratelimit', { reads: 1000000, writes: 1000000, window_seconds: 60 });
});

// Uses up the window of `kind` ("reads" or "writes").
async function exhaust(kind) {
  const limits = { reads: 1000000, writes: 1000000, window_seconds: 60 };
  limits[kind] = 0;
  await control('POST', 'ratelimit', limits);
}

test('POST /auth/api-key: 200 access-token and 400 bad-request', async () => {
  const token = await call('POST', '/auth/api-key', '/auth/api-key', {
    body: { apiKey }, auth: null, wantStatus: 200,
  });
  assert.equal(token.token_type, 'Bearer');
  await call('POST', '/auth/api-key', '/auth/api-key', {
    body: { apiKey: 'not-a-key' }, auth: null, wantStatus: 400,
  });
  await call('POST', '/auth/api-key', '/auth/api-key', { body: {}, auth: null, wantStatus: 400 });
});

test('POST /auth/refresh: 200 access-token and 400 bad-request', async () => {
  const first = await call('POST', '/auth/api-key', '/auth/api-key', {
    body: { apiKey }, auth: null, wantStatus: 200,
  });
  await call('POST', '/auth/refresh', '/auth/refresh', {
    body: { refreshToken: first.refresh_token }, auth: null, wantStatus: 200,
  });
  await call('POST', '/auth/refresh', '/auth/refresh', {
    body: { refreshToken: 'not-a-refresh-token' }, auth: null, wantStatus: 400,
  });
});

test('POST /upload-tokens: 200 upload-token, 400 bad-request, 429', async () => {
  const forever = await call('POST', '/upload-tokens', '/upload-tokens', { body: {}, wantStatus: 200 });
  assert.equal(forever.ttl, 0);
  // No expiry: the key left out, as in the spec's example (null would do).
  assert.equal(forever.expiresAt ?? null, null);
  const hour = await call('POST', '/upload-tokens', '/upload-tokens', {
    body: { ttl: 3600 }, wantStatus: 200,
  });
  assert.equal(hour.ttl, 3600);
  await call('POST', '/upload-tokens', '/upload-tokens', { body: { ttl: -1 }, wantStatus: 400 });
  await call('POST', '/upload-tokens', '/upload-tokens', { body: { ttl: 'an hour' }, wantStatus: 400 });
  await exhaust('writes');
  await call('POST', '/upload-tokens', '/upload-tokens', { body: {}, wantStatus: 429 });
});

test('GET /upload-tokens: 200 token-list-response with every query parameter, 429', async () => {
  for (let i = 0; i < 3; ++i) {
    await call('POST', '/upload-tokens', '/upload-tokens', { body: { ttl: 60 * (i + 1) }, wantStatus: 200 });
  }
  const page = await call('GET', '/upload-tokens?sortBy=ttl&sortOrder=desc&currentPage=2&pageSize=2',
    '/upload-tokens', { wantStatus: 200 });
  assert.equal(page.pagination.itemsTotal, 3);
  assert.equal(page.data.length, 1);
  await call('GET', '/upload-tokens?sortBy=createdAt&sortOrder=asc', '/upload-tokens', { wantStatus: 200 });
  await exhaust('reads');
  await call('GET', '/upload-tokens', '/upload-tokens', { wantStatus: 429 });
});

test('GET /upload-tokens/{uploadToken}: 200 upload-token, 404 not-found, 429', async () => {
  const made = await call('POST', '/upload-tokens', '/upload-tokens', { body: {}, wantStatus: 200 });
  const got = await call('GET', `/upload-tokens/${made.token}`, '/upload-tokens/{uploadToken}', { wantStatus: 200 });
  assert.equal(got.token, made.token);
  await call('GET', '/upload-tokens/to0000000000000000000000', '/upload-tokens/{uploadToken}', { wantStatus: 404 });
  await exhaust('reads');
  await call('GET', `/upload-tokens/${made.token}`, '/upload-tokens/{uploadToken}', { wantStatus: 429 });
});

test('DELETE /upload-tokens/{uploadToken}: 204 without a body, 404 not-found, 429', async () => {
  const made = await call('POST', '/upload-tokens', '/upload-tokens', { body: {}, wantStatus: 200 });
  await call('DELETE', `/upload-tokens/${made.token}`, '/upload-tokens/{uploadToken}', { wantStatus: 204 });
  await call('DELETE', `/upload-tokens/${made.token}`, '/upload-tokens/{uploadToken}', { wantStatus: 404 });
  await exhaust('writes');
  await call('DELETE', `/upload-tokens/${made.token}`, '/upload-tokens/{uploadToken}', { wantStatus: 429 });
});

test('401 on a missing or wrong credential: a listed difference, a problem body', async () => {
  await call('GET', '/upload-tokens', '/upload-tokens', { auth: null, wantStatus: 401 });
  await call('POST', '/upload-tokens', '/upload-tokens', { body: {}, auth: 'Bearer nope', wantStatus: 401 });
});

test('the validation refuses what the spec does not allow', () => {
  // A validator that accepts anything would make every test above pass.
  const token = ajv.getSchema('spec.json#/components/schemas/upload-token');
  assert.ok(token({ token: 'to1tcmSFHeYY5KzyhOqVKMKb', ttl: 0, createdAt: '2019-12-16T08:25:51+00:00', expiresAt: null }));
  assert.ok(!token({ token: 'to1', ttl: 'zero' }), 'a ttl that is a string');
  assert.ok(!token({ token: 'to1', createdAt: 'yesterday' }), 'a createdAt that is no date-time');
  assert.ok(!token({ token: 'to1', owner: 'web' }), 'a property the spec does not name');
  const list = ajv.getSchema('spec.json#/components/schemas/token-list-response');
  assert.ok(!list({ data: [] }), 'a list without pagination');
  const link = ajv.getSchema('spec.json#/components/schemas/pagination-link');
  assert.ok(!link({ rel: 'self', uri: 'upload-tokens?currentPage=1' }), 'a uri neither absolute nor from /');
});

test('every operation and status of the spec was exercised', () => {
  const wanted = [];
  for (const specPath of ['/auth/api-key', '/auth/refresh', '/upload-tokens', '/upload-tokens/{uploadToken}']) {
    for (const [method, operation] of Object.entries(spec.paths[specPath])) {
      if (!operation.responses) continue;
      for (const status of Object.keys(operation.responses)) {
        wanted.push(`${method.toUpperCase()} ${specPath} ${status}`);
      }
    }
  }
  const missing = wanted.filter((entry) => !checked.has(entry));
  assert.deepEqual([...differencesUsed].sort(), Object.keys(DIFFERENCES).sort(),
    'a listed difference no answer needs: remove it');
  assert.deepEqual(missing, [], 'answers of the spec no test checked');
  assert.ok(wanted.length >= 15, `only ${wanted.length} answers found in the spec`);
});
