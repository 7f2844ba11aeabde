// Validates every object under deploy/kubernetes (the base, the components,
// redis/) against the Kubernetes API's OpenAPI schemas, as packaged in the
// npm package kubernetes-models (types, required fields, enums), and the
// Prometheus Operator's ServiceMonitor against its CRD's schema, as packaged
// in @kubernetes-models/prometheus-operator. Run by `make test` (ctest:
// deploy_schema_check), after `npm ci` here (make node-deps):
//
//   node deploy/schema/validate.mjs deploy/kubernetes
//
// Then it breaks the objects in memory a few ways and fails unless the
// schemas reject each, so that a validator that accepts anything cannot
// pass. What schemas cannot see (ports, labels and flags agreeing) is
// deploy/check_deploy.py's job; neither is a real API server.

import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

async function modelFor(object) {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error("no apiVersion or kind");
  }
  // "apps/v1" -> kubernetes-models/apps/v1/Deployment; "v1" -> v1/Service;
  // the Prometheus Operator's kinds from their own package.
  const models = apiVersion.startsWith("monitoring.coreos.com/")
    ? "@kubernetes-models/prometheus-operator"
    : "kubernetes-models";
  const module = await import(`${models}/${apiVersion}/${kind}`);
  const Model = module[kind] ?? module.default;
  if (typeof Model !== "function") {
    throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  }
  return Model;
}

// The schema's complaint about `object`, or null when it is valid.
async function complaint(object) {
  try {
    const Model = await modelFor(object);
    new Model(object).validate();
    return null;
  } catch (error) {
    return error.message;
  }
}

// Every object in the YAML files under `directory`, its subdirectories in
// name order after its own files; kustomize's own files left out.
function load(directory) {
  const objects = [];
  const entries = fs.readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    const file = entry.name;
    if (!/\.ya?ml$/.test(file)) continue;
    const text = fs.readFileSync(path.join(directory, file), "utf8");
    for (const document of YAML.parseAllDocuments(text)) {
      if (document.errors.length > 0) {
        throw new Error(`${file}: ${document.errors[0].message}`);
      }
      const object = document.toJS();
      if (object == null) continue;
      if (object.kind === "Kustomization" || object.kind === "Component") continue;
      objects.push({ file: path.join(directory, file), object });
    }
  }
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name !== "node_modules") {
      objects.push(...load(path.join(directory, entry.name)));
    }
  }
  return objects;
}

// Ways to break an object that only a schema notices; each must be refused.
const breakages = [
  ["Deployment", "a probe port given by name where a number is required",
   (o) => { o.spec.template.spec.containers[0].readinessProbe.grpc.port = "grpc"; }],
  ["Deployment", "a container without a name",
   (o) => { delete o.spec.template.spec.containers[0].name; }],
  ["Deployment", "a grace period as a string",
   (o) => { o.spec.template.spec.terminationGracePeriodSeconds = "30s"; }],
  ["Service", "a port number as a string",
   (o) => { o.spec.ports[0].port = "50051"; }],
  ["HorizontalPodAutoscaler", "a scale target without a name",
   (o) => { delete o.spec.scaleTargetRef.name; }],
  ["PodDisruptionBudget", "a selector that is a string",
   (o) => { o.spec.selector = "app.kubernetes.io/name=upload-token-gateway"; }],
  ["NetworkPolicy", "ingress rules that are a mapping, not a list",
   (o) => { o.spec.ingress = { from: [] }; }],
  ["ServiceMonitor", "endpoints that are a mapping, not a list",
   (o) => { o.spec.endpoints = { port: "metrics" }; }],
  ["ServiceMonitor", "a scheme that is neither http nor https",
   (o) => { o.spec.endpoints[0].scheme = "grpc"; }],
];

// The breakages below take the first object of their kind: give the
// gateway's directory first.
const directories = process.argv.length > 2 ? process.argv.slice(2) : ["deploy/kubernetes"];
const failures = [];
let objects = [];
for (const directory of directories) {
  try {
    objects = objects.concat(load(directory));
  } catch (error) {
    failures.push(`${directory}: ${error.message}`);
  }
}
for (const { file, object } of objects) {
  const problem = await complaint(object);
  if (problem) {
    failures.push(`${file}: ${object.kind} ${object.metadata?.name}: ${problem}`);
  } else {
    console.log(`valid: ${file} ${object.apiVersion} ${object.kind}`);
  }
}
for (const [kind, what, breakIt] of breakages) {
  const found = objects.find(({ object }) => object.kind === kind);
  if (!found) {
    failures.push(`no ${kind} to break (${what})`);
    continue;
  }
  const broken = structuredClone(found.object);
  try {
    breakIt(broken);
  } catch (error) {
    failures.push(`${kind}: cannot break it as "${what}" (${error.message}); update this script`);
    continue;
  }
  if (await complaint(broken)) {
    console.log(`refused as it should be: ${kind} with ${what}`);
  } else {
    failures.push(`${kind} with ${what} passed the schema: the validator checks nothing`);
  }
}
for (const failure of failures) console.error(`FAIL ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
