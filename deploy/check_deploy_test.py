#!/usr/bin/env python3
"""Shows that deploy/check_deploy.py fails when it should.

Copies what the check reads into a temporary tree, breaks one thing at a
time (an unknown flag, a probe on the wrong port, a liveness probe that
would restart every replica on a bad key, a selector that selects nothing,
a Dockerfile that no longer builds as CI does, a runtime stage missing a
library, ...) and expects the check to name that problem. The unbroken copy
must pass. Run by `make test` (ctest: deploy_check_catches_breakage).

    check_deploy_test.py --source-dir REPO --binary BUILD/bin/upload_token_gateway
"""

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile

# The check is loaded from its file; leave no __pycache__ in the source tree.
sys.dont_write_bytecode = True

# What the check reads, relative to the repository root.
INPUTS = [
    "deploy/Dockerfile",
    "deploy/kubernetes",
    "docs/operations.md",
    ".dockerignore",
    "Makefile",
    ".ci/run",
    "scripts/install-deps.sh",
    "VERSION",
    "proto/apivideo/uploadtokens/v1/upload_tokens.proto",
]

BASE = "deploy/kubernetes/base/"
DEPLOYMENT = BASE + "deployment.yaml"
OVERLAY = "deploy/kubernetes/overlays/example/"
NETWORK_POLICY = "deploy/kubernetes/components/network-policy/networkpolicy.yaml"
SERVICE_MONITOR = ("deploy/kubernetes/components/service-monitor/"
                   "servicemonitor.yaml")

# (what is broken, file, text to replace, replacement, expected in a failure)
BREAKAGES = [
    ("a flag the gateway does not have", "deploy/Dockerfile",
     '"--log_format=json"', '"--log_fromat=json"',
     "--log_fromat is not a flag"),
    ("an env variable that maps to no flag", DEPLOYMENT,
     "name: UPLOAD_TOKEN_GATEWAY_LOG_FORMAT",
     "name: UPLOAD_TOKEN_GATEWAY_LOG_FROMAT",
     "UPLOAD_TOKEN_GATEWAY_LOG_FROMAT maps to no flag"),
    ("a flag both in env and in args", DEPLOYMENT,
     "          env:\n", "          args: [--log_level=debug]\n          env:\n",
     "--log_level is given twice"),
    ("a value the gateway cannot parse", DEPLOYMENT,
     "value: 30s", "value: thirty", "rejects these flags"),
    ("a value the gateway refuses at start-up", DEPLOYMENT,
     "value: info", "value: verbose", "--log_level=verbose"),
    ("readiness on the wrong port", DEPLOYMENT,
     "port: 50051\n              service:", "port: 50052\n              service:",
     "readinessProbe.grpc.port"),
    ("readiness on a service the gateway does not serve", DEPLOYMENT,
     "service: apivideo.uploadtokens.v1.UploadTokenService",
     "service: apivideo.uploadtokens.v1.UploadTokens",
     "readinessProbe asks for service"),
    ("liveness on gRPC health, which flips on a rejected key", DEPLOYMENT,
     "httpGet:\n              path: /metrics\n              port: metrics",
     "grpc:\n              port: 50051", "livenessProbe is the gRPC health"),
    ("liveness on a path the metrics server does not serve", DEPLOYMENT,
     "path: /metrics\n              port: metrics",
     "path: /healthz\n              port: metrics", "answers only /metrics"),
    ("--listen on another port than the container's", DEPLOYMENT,
     'value: "[::]:50051"', 'value: "[::]:8080"', "--listen's port 8080"),
    ("a scrape annotation on the wrong port", DEPLOYMENT,
     'prometheus.io/port: "9090"', 'prometheus.io/port: "9091"',
     "prometheus.io/port"),
    ("a Service that selects no pod", BASE + "service.yaml",
     "  selector:\n    app.kubernetes.io/name: upload-token-gateway",
     "  selector:\n    app.kubernetes.io/name: upload-token-gw",
     "does not select"),
    ("a Service targeting a port the container lacks",
     BASE + "service.yaml", "targetPort: grpc", "targetPort: http",
     "targetPort 'http'"),
    ("a PodDisruptionBudget with another selector", BASE + "pdb.yaml",
     "    matchLabels:\n      app.kubernetes.io/name: upload-token-gateway",
     "    matchLabels:\n      app.kubernetes.io/name: gateway",
     "is not the Deployment's"),
    ("a NetworkPolicy for other pods", NETWORK_POLICY,
     "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: upload-token-gateway",
     "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: gateway",
     "podSelector"),
    ("a NetworkPolicy shutting the metrics port",
     NETWORK_POLICY, "          port: metrics",
     "          port: 9999", "port 9999"),
    ("an HPA scaling another Deployment", BASE + "hpa.yaml",
     "    name: upload-token-gateway", "    name: token-gateway",
     "scaleTargetRef.name"),
    ("the key mounted with subPath", DEPLOYMENT,
     "              mountPath: /etc/apivideo\n",
     "              mountPath: /etc/apivideo\n              subPath: api-key\n",
     "subPath"),
    ("the key from an environment variable", DEPLOYMENT,
     "            - name: UPLOAD_TOKEN_GATEWAY_API_KEY_FILE\n"
     "              value: /etc/apivideo/api-key\n",
     "            - name: APIVIDEO_API_KEY\n"
     "              value: not-a-key\n",
     "no --api_key_file"),
    ("a Secret with a literal value in the base", BASE + "service.yaml",
     "      appProtocol: http\n",
     "      appProtocol: http\n---\napiVersion: v1\nkind: Secret\n"
     "metadata:\n  name: upload-token-gateway-apivideo\n"
     "stringData:\n  api-key: REPLACE_ME\n",
     "a Secret with a literal value is part of the base"),
    ("a Secret generated in the base", BASE + "kustomization.yaml",
     "images:\n", "secretGenerator:\n  - name: upload-token-gateway-apivideo\n"
     "    literals:\n      - api-key=REPLACE_ME\nimages:\n",
     "generates the Secret 'upload-token-gateway-apivideo'"),
    ("an overlay Secret that the pods do not mount",
     OVERLAY + "kustomization.yaml",
     "  - name: upload-token-gateway-apivideo\n",
     "  - name: upload-token-gateway-key\n",
     "it is not the Secret the Deployment mounts"),
    ("an overlay Secret without the Redis password",
     OVERLAY + "kustomization.yaml", "      - redis-password\n", "",
     "lacks the key 'redis-password'"),
    ("an overlay Secret from a file git would take", OVERLAY + ".gitignore",
     "\napi-key\n", "\n", "'api-key' is not in"),
    ("an overlay Secret with a name suffix", OVERLAY + "kustomization.yaml",
     "disableNameSuffixHash: true", "disableNameSuffixHash: false",
     "disableNameSuffixHash is not true"),
    ("an overlay on another version", OVERLAY + "kustomization.yaml",
     "newTag: \"1.1.0\"", "newTag: latest", "not the version"),
    ("an overlay without a component", OVERLAY + "kustomization.yaml",
     "  - ../../components/service-monitor\n", "",
     "are not every optional component"),
    ("a ServiceMonitor on a port the Service lacks", SERVICE_MONITOR,
     "    - port: metrics", "    - port: http-metrics",
     "endpoint port 'http-metrics' is not a port of the Service"),
    ("a ServiceMonitor selecting another Service", SERVICE_MONITOR,
     "  selector:\n    matchLabels:\n      app.kubernetes.io/name: "
     "upload-token-gateway",
     "  selector:\n    matchLabels:\n      app.kubernetes.io/name: gateway",
     "does not select the Service"),
    ("a Service port for the ServiceMonitor that misses the metrics port",
     BASE + "service.yaml", "targetPort: metrics", "targetPort: grpc",
     "does not reach --metrics_listen's port"),
    ("a component missing its manifest",
     "deploy/kubernetes/components/network-policy/kustomization.yaml",
     "  - networkpolicy.yaml\n", "  - policy.yaml\n",
     "are not the manifests"),
    ("a grace period shorter than the drain", DEPLOYMENT,
     "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 15",
     "terminationGracePeriodSeconds 15"),
    ("a writable root filesystem", DEPLOYMENT,
     "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
     "readOnlyRootFilesystem"),
    ("capabilities kept", DEPLOYMENT, 'drop: ["ALL"]', 'drop: ["NET_RAW"]',
     "capabilities.drop"),
    ("a manifest that does not parse", BASE + "hpa.yaml",
     "  minReplicas: 2", "  minReplicas: [2", "does not parse"),
    ("an object without a name", BASE + "pdb.yaml",
     "  name: upload-token-gateway\n", "", "has no metadata.name"),
    ("a kustomization missing a manifest",
     BASE + "kustomization.yaml", "  - pdb.yaml\n", "",
     "are not the manifests"),
    ("a Dockerfile without install-deps.sh", "deploy/Dockerfile",
     "RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*",
     "RUN apt-get update && apt-get install -y cmake g++",
     "does not run `scripts/install-deps.sh`"),
    ("a Dockerfile configuring otherwise than the Makefile", "deploy/Dockerfile",
     "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}", "-DCMAKE_BUILD_TYPE=Release",
     "does not run `cmake -S . -B build"),
    ("a CI that does not run make test", ".ci/run",
     "step make test\n", "step make build\n", "does not run `make test`"),
    ("a Makefile changed without the Dockerfile", "Makefile",
     "BUILD_TYPE ?= RelWithDebInfo", "BUILD_TYPE ?= Release",
     "-DCMAKE_BUILD_TYPE=Release"),
    ("a runtime stage missing gRPC", "deploy/Dockerfile",
     "      libgrpc++1.51 \\\n", "", "lacks libgrpc++1.51"),
    ("a runtime stage running as root", "deploy/Dockerfile",
     "USER 10001:10001", "USER root", "USER root"),
    ("a port not exposed", "deploy/Dockerfile", "EXPOSE 50051 9090",
     "EXPOSE 50051", "does not EXPOSE the metrics port 9090"),
    ("a key baked into the image", "deploy/Dockerfile",
     "USER 10001:10001", "ENV APIVIDEO_API_KEY=secret\nUSER 10001:10001",
     "no key in the image"),
    ("node_modules in the build context", ".dockerignore",
     "**/node_modules\n", "", "does not exclude **/node_modules"),
    ("a flag left undocumented", "docs/operations.md",
     "| `--allow_plaintext_upstream` |", "| `--allow-plaintext` |",
     "does not document --allow_plaintext_upstream"),
    ("a documented default that is not the binary's", "docs/operations.md",
     "| `--max_attempts` | `3` |", "| `--max_attempts` | `5` |",
     "documents --max_attempts's default as '5'"),
]


def load_check(path):
    spec = importlib.util.spec_from_file_location("check_deploy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_inputs(source, destination):
    for relative in INPUTS:
        src = os.path.join(source, relative)
        dst = os.path.join(destination, relative)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                "__pycache__", "node_modules"))
        else:
            shutil.copy2(src, dst)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--binary", required=True)
    options = parser.parse_args()
    check = load_check(os.path.join(options.source_dir, "deploy",
                                    "check_deploy.py"))
    problems = []
    with tempfile.TemporaryDirectory(prefix="deploy-check-") as scratch:
        pristine = os.path.join(scratch, "pristine")
        copy_inputs(options.source_dir, pristine)
        failures = check.run_checks(pristine, options.binary)
        if failures:
            problems.append("the unbroken files fail the check, so no "
                            "breakage below proves anything:\n  " +
                            "\n  ".join(failures))
        for index, (what, relative, old, new, expected) in enumerate(
                BREAKAGES):
            tree = os.path.join(scratch, f"broken-{index}")
            shutil.copytree(pristine, tree)
            path = os.path.join(tree, relative)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if text.count(old) != 1:
                problems.append(f"{what}: {relative} does not hold {old!r} "
                                "exactly once; update this test")
                continue
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(old, new))
            failures = check.run_checks(tree, options.binary)
            if any(expected in failure for failure in failures):
                print(f"caught: {what}")
            else:
                problems.append(f"{what}: not caught (wanted a failure with "
                                f"{expected!r}; got {failures})")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
