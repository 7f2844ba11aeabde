// Yardstick 4 of make bench: what a Node service would do without the
// gateway (the official @api.video/nodejs-client calling api.video, here the
// emulator) against what it does with it (@grpc/grpc-js calling the
// gateway), both keeping the same number of GetUploadToken calls in flight.
//
// Usage: node yardstick.mjs rest|grpc TARGET API_KEY TOKEN IN_FLIGHT SECONDS
//   rest: TARGET is the upstream's base URI (http://127.0.0.1:PORT)
//   grpc: TARGET is the gateway's HOST:PORT
// Prints one JSON line: calls, errors, calls_per_s, p50_us, p99_us,
// client_cpu_us_per_call (this Node process's own CPU).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ApiVideoClient from '@api.video/nodejs-client';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [mode, target, apiKey, token, inFlightArg, secondsArg] = process.argv.slice(2);
const inFlight = Number(inFlightArg);
const seconds = Number(secondsArg);
const here = path.dirname(fileURLToPath(import.meta.url));

function makeCall() {
  if (mode === 'rest') {
    const client = new ApiVideoClient({ apiKey, baseUri: target });
    return () => client.uploadTokens.getToken(token);
  }
  const definition = protoLoader.loadSync(
    'apivideo/uploadtokens/v1/upload_tokens.proto',
    { includeDirs: [path.resolve(here, '../../proto')] });
  const pkg = grpc.loadPackageDefinition(definition);
  const stub = new pkg.apivideo.uploadtokens.v1.UploadTokenService(
    target, grpc.credentials.createInsecure());
  return () => new Promise((resolve, reject) => {
    stub.GetUploadToken({ token }, (err, answer) => (err ? reject(err) : resolve(answer)));
  });
}

const call = makeCall();
let measuring = false;
let stopAt = 0;
let calls = 0;
let errors = 0;
let firstError = null;
const latencies = [];

async function worker() {
  while (performance.now() < stopAt) {
    const start = performance.now();
    try {
      await call();
      if (measuring) latencies.push((performance.now() - start) * 1000);
    } catch (err) {
      if (measuring) errors++;
      firstError ??= err;
    }
    if (measuring) calls++;
  }
}

// One second of warm-up (connections, bearer token, JIT), then the measure.
stopAt = performance.now() + 1000;
await Promise.all(Array.from({ length: inFlight }, worker));
measuring = true;
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
stopAt = wallStart + seconds * 1000;
await Promise.all(Array.from({ length: inFlight }, worker));
const wall = (performance.now() - wallStart) / 1000;
const cpu = process.cpuUsage(cpuStart);
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
console.log(JSON.stringify({
  calls, errors, calls_per_s: calls / wall,
  p50_us: pct(0.5), p99_us: pct(0.99),
  client_cpu_us_per_call: calls ? (cpu.user + cpu.system) / calls : 0,
  first_error: firstError ? String(firstError.message || firstError) : null,
}));
process.exit(errors === 0 && calls > 0 ? 0 : 1);
