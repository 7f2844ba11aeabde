#!/usr/bin/env python3
"""Checks the deployment files against the code they deploy.

Run by `make test` (ctest: deploy_check) as

    check_deploy.py --source-dir REPO --binary BUILD/bin/upload_token_gateway

and fails, listing every problem, unless:

* every file of the base (deploy/kubernetes/base/) and of each optional
  component (deploy/kubernetes/components/*/) parses as YAML, every object
  has apiVersion, kind and metadata.name, and each kustomization lists
  exactly the files of its directory;
* the base ships no Secret and generates none, so applying it never
  overwrites the real key; the example overlay generates the Secret the
  pods mount, with every key they read, from files its .gitignore keeps out
  of git, without a name suffix (so rotation stays in place), turns on every
  component, and asks for the image of the version in VERSION;
* the Deployment's container configuration (env variables
  UPLOAD_TOKEN_GATEWAY_<FLAG> and args, and the Dockerfile's CMD) names
  flags the built binary has, with values it parses (the binary itself
  checks them, environment included, with absl's --only_check_args), and
  the enumerated ones hold allowed values;
* ports agree: --listen and --metrics_listen with the container ports, the
  probes, the Service's targetPorts, the Prometheus annotations and the
  Dockerfile's EXPOSE;
* readiness is a gRPC health probe of the gateway's service (or ""), and
  liveness is not a probe that fails while api.video rejects the key;
* labels and selectors agree across Deployment, Service, NetworkPolicy,
  PodDisruptionBudget, HorizontalPodAutoscaler and ServiceMonitor, the
  NetworkPolicy admits someone to both container ports, and the
  ServiceMonitor scrapes /metrics through a Service port that reaches
  --metrics_listen;
* the key comes from the Secret as a file (--api_key_file inside the Secret's
  mount, no subPath, so rotation works), and terminationGracePeriodSeconds
  outlasts preStop plus --shutdown_grace;
* the pod runs as the Dockerfile's non-root user with a read-only root
  filesystem, no privilege escalation and every capability dropped;
* the Dockerfile's build stage runs scripts/install-deps.sh and then the very
  cmake configure and build commands of the Makefile's `build` target (the
  one CI reaches through `make test`), and its runtime stage installs Debian
  packages that provide every shared library the binary links (found with
  ldd and dpkg on this machine, also Debian 12);
* .dockerignore keeps build directories, node_modules and .git out;
* docs/operations.md has a table row for every flag of the gateway's own
  (gateway/config/flags.cc, as the binary's --helpfull lists them), with
  the binary's default.

What it cannot check (no Docker daemon, registry or cluster here) is said in
docs/operations.md, "What is verified".
"""

import argparse
import functools
import os
import re
import shlex
import subprocess
import sys

import yaml

KUBE_DIR = os.path.join("deploy", "kubernetes")
BASE_DIR = os.path.join(KUBE_DIR, "base")
DOCKERFILE = os.path.join("deploy", "Dockerfile")
PROTO = os.path.join("proto", "apivideo", "uploadtokens", "v1",
                     "upload_tokens.proto")
COMPONENTS_DIR = os.path.join(KUBE_DIR, "components")
EXAMPLE_OVERLAY = os.path.join(KUBE_DIR, "overlays", "example")
# Kinds the base must have, each exactly once, with its apiVersion.
REQUIRED_KINDS = {
    "Deployment": "apps/v1",
    "Service": "v1",
    "PodDisruptionBudget": "policy/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
}
# The optional components: directory under components/ -> the one kind it
# adds, with its apiVersion.
COMPONENT_KINDS = {
    "network-policy": ("NetworkPolicy", "networking.k8s.io/v1"),
    "service-monitor": ("ServiceMonitor", "monitoring.coreos.com/v1"),
}
# Flags from the environment: the prefix, then the flag's name in upper case
# (gateway/config/flag_environment.h).
FLAG_ENVIRONMENT_PREFIX = "UPLOAD_TOKEN_GATEWAY_"
# Flags whose values the binary checks only after parsing (in Run()).
ENUM_FLAGS = {
    "log_format": {"text", "json"},
    "log_level": {"debug", "info", "warning", "error"},
    "auth": {"basic", "bearer"},
}
# Packages of every debian:bookworm-slim image.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
# What the Dockerfile may add to the Makefile's build command.
ALLOWED_BUILD_EXTRAS = ["--target", "upload_token_gateway"]


class Checker:
    def __init__(self, root, binary):
        self.root = root
        self.binary = binary
        self.failures = []

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def read(self, relative):
        with open(self.path(relative), encoding="utf-8") as f:
            return f.read()

    # --- the binary ---------------------------------------------------------

    def binary_flags(self):
        """Every flag the binary accepts, from its --helpfull."""
        run = run_cached((self.binary, "--helpfull"))
        flags = set(re.findall(r"^\s+--([A-Za-z0-9_]+) \(", run.stdout,
                               re.MULTILINE))
        if "listen" not in flags:
            raise SystemExit(f"{self.binary} --helpfull lists no --listen; "
                             f"is it the gateway?\n{run.stdout}{run.stderr}")
        return flags

    def check_args(self, where, args, accepted, environment=None):
        """Flags the binary accepts, values it parses, from `args` and from
        `environment` ({variable: value} of UPLOAD_TOKEN_GATEWAY_* only).
        Returns {name: value}."""
        values = {}
        environment = environment or {}

        def take(name, value, source):
            if name in values:
                self.fail(where, f"--{name} is given twice ({source})")
            values[name] = value
            if name in ENUM_FLAGS and value not in ENUM_FLAGS[name]:
                self.fail(where, f"--{name}={value}: must be one of "
                          f"{sorted(ENUM_FLAGS[name])}")

        own = gateway_flags(self)
        for variable, value in environment.items():
            name = variable[len(FLAG_ENVIRONMENT_PREFIX):].lower()
            if name not in own or \
                    FLAG_ENVIRONMENT_PREFIX + name.upper() != variable:
                self.fail(where, f"{variable} maps to no flag of "
                          "upload_token_gateway (UPLOAD_TOKEN_GATEWAY_ and a "
                          "flag's name in upper case)")
                continue
            take(name, value, f"as {variable}")
        for arg in args:
            match = re.fullmatch(r"--([A-Za-z0-9_]+)(?:=(.*))?", arg, re.DOTALL)
            if match is None:
                self.fail(where, f"{arg!r} is not of the form --flag=value")
                continue
            name, value = match.group(1), match.group(2)
            if name not in accepted:
                self.fail(where, f"--{name} is not a flag of "
                          f"upload_token_gateway (see --helpfull)")
                continue
            take(name, value, "in args")
        # Let the binary parse the values itself (durations, numbers, bools),
        # the environment's through its own reading of the environment.
        known = [a for a in args
                 if re.match(r"--([A-Za-z0-9_]+)", a)
                 and re.match(r"--([A-Za-z0-9_]+)", a).group(1) in accepted]
        run = run_cached((self.binary, "--only_check_args", *known),
                         tuple(sorted(environment.items())))
        if run.returncode != 0:
            self.fail(where, "upload_token_gateway rejects these flags: " +
                      (run.stderr.strip() or run.stdout.strip()))
        return values

    # --- Kubernetes ---------------------------------------------------------

    def load_directory(self, directory, kustomization_kind):
        """([(file, object)], kustomization or None) of one kustomize
        directory; fails unless its kustomization (of `kustomization_kind`)
        lists exactly its other YAML files."""
        loaded = []
        kustomization = None
        full = self.path(directory)
        files = sorted(f for f in os.listdir(full)
                       if f.endswith((".yaml", ".yml")))
        if not files:
            self.fail(directory, "no manifests")
        for name in files:
            where = os.path.join(directory, name)
            try:
                with open(os.path.join(full, name), encoding="utf-8") as f:
                    documents = [d for d in yaml.safe_load_all(f)
                                 if d is not None]
            except yaml.YAMLError as error:
                self.fail(where, f"does not parse as YAML: {error}")
                continue
            if not documents:
                self.fail(where, "holds no object")
            for doc in documents:
                if not isinstance(doc, dict):
                    self.fail(where, "a document is not a mapping")
                    continue
                if doc.get("kind") in ("Kustomization", "Component"):
                    kustomization = (name, doc)
                    continue
                for field in ("apiVersion", "kind"):
                    if not isinstance(doc.get(field), str) or not doc[field]:
                        self.fail(where, f"an object has no {field}")
                metadata = doc.get("metadata")
                if not isinstance(metadata, dict) or not metadata.get("name"):
                    self.fail(where, f"a {doc.get('kind')} has no "
                              "metadata.name")
                loaded.append((where, doc))
        if kustomization is None:
            self.fail(directory, "no kustomization.yaml")
            return loaded, None
        name, doc = kustomization
        where = os.path.join(directory, name)
        if doc.get("kind") != kustomization_kind:
            self.fail(where, f"is a {doc.get('kind')}, not a "
                      f"{kustomization_kind}")
        listed = doc.get("resources") or []
        others = [f for f in files if f != name]
        if sorted(listed) != sorted(others):
            self.fail(where, f"resources {sorted(listed)} are not the "
                      f"manifests of the directory {sorted(others)}")
        return loaded, doc

    def load_manifests(self):
        """{kind: [(file, object)]} of the base and every component."""
        objects = {}
        loaded, base = self.load_directory(BASE_DIR, "Kustomization")
        for where, doc in loaded:
            kind = doc.get("kind")
            expected = REQUIRED_KINDS.get(kind)
            if expected and doc.get("apiVersion") != expected:
                self.fail(where, f"{kind} should be apiVersion "
                          f"{expected}, not {doc.get('apiVersion')}")
            if kind == "Secret":
                literal = doc.get("data") or doc.get("stringData")
                self.fail(where, "a Secret " +
                          ("with a literal value " if literal else "") +
                          "is part of the base: applying the base would "
                          "overwrite the real key in every pod; create the "
                          "Secret out of band or in an overlay")
            objects.setdefault(kind, []).append((where, doc))
        for kind in REQUIRED_KINDS:
            count = len(objects.get(kind, []))
            if count != 1:
                self.fail(BASE_DIR, f"expected one {kind}, found {count}")
        if base is not None:
            for generator in base.get("secretGenerator") or []:
                self.fail(os.path.join(BASE_DIR, "kustomization.yaml"),
                          f"generates the Secret {generator.get('name')!r} "
                          "(a literal value or a file in the base): applying"
                          " the base would overwrite the real key")
        present = sorted(d for d in os.listdir(self.path(COMPONENTS_DIR))
                         if os.path.isdir(self.path(COMPONENTS_DIR, d)))
        if present != sorted(COMPONENT_KINDS):
            self.fail(COMPONENTS_DIR, f"components {present} are not "
                      f"{sorted(COMPONENT_KINDS)}")
        for component, (kind, api_version) in sorted(COMPONENT_KINDS.items()):
            directory = os.path.join(COMPONENTS_DIR, component)
            if not os.path.isdir(self.path(directory)):
                continue
            loaded, _ = self.load_directory(directory, "Component")
            kinds = [doc.get("kind") for _, doc in loaded]
            if kinds != [kind]:
                self.fail(directory, f"holds {kinds}, not one {kind}")
            for where, doc in loaded:
                if doc.get("kind") == kind and \
                        doc.get("apiVersion") != api_version:
                    self.fail(where, f"{kind} should be apiVersion "
                              f"{api_version}, not {doc.get('apiVersion')}")
                objects.setdefault(doc.get("kind"), []).append((where, doc))
        return objects

    @staticmethod
    def one(objects, kind):
        found = objects.get(kind) or [(None, None)]
        return found[0]

    def check_kubernetes(self, objects, accepted, service_name, gateway_flags):
        where, deployment = self.one(objects, "Deployment")
        if deployment is None:
            return {}
        spec = deployment.get("spec") or {}
        template = spec.get("template") or {}
        pod = template.get("spec") or {}
        template_labels = (template.get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        if not selector:
            self.fail(where, "spec.selector.matchLabels is empty")
        if not self.subset(selector, template_labels):
            self.fail(where, f"selector {selector} does not match the pod "
                      f"template's labels {template_labels}")
        containers = pod.get("containers") or []
        gateways = [c for c in containers
                    if "upload-token-gateway" in str(c.get("image", ""))]
        if len(gateways) != 1:
            self.fail(where, "expected one container with the "
                      "upload-token-gateway image")
            return {}
        container = gateways[0]
        cwhere = f"{where}: container {container.get('name')}"
        if container.get("command"):
            self.fail(cwhere, "sets command: the image's ENTRYPOINT is the "
                      "gateway; give flags in args")
        args = [str(a) for a in container.get("args") or []]
        environment = {}
        for variable in container.get("env") or []:
            name = str(variable.get("name", ""))
            if not name.startswith(FLAG_ENVIRONMENT_PREFIX):
                continue
            if "value" not in variable:
                self.fail(cwhere, f"env {name} has no literal value, so "
                          "its flag cannot be checked")
                continue
            environment[name] = str(variable["value"])
        flags = self.check_args(f"{cwhere}: env and args", args, accepted,
                                environment)

        ports = {}
        for port in container.get("ports") or []:
            ports[port.get("name")] = port.get("containerPort")
        numbers = set(ports.values())

        def port_of(flag, default):
            value = flags.get(flag, default)
            if not value:
                return None
            match = re.search(r":(\d+)$", value)
            return int(match.group(1)) if match else None

        grpc_port = port_of("listen", gateway_flags.get("listen"))
        if grpc_port not in numbers:
            self.fail(cwhere, f"--listen's port {grpc_port} is not a "
                      f"containerPort {sorted(numbers)}")
        if ports.get("grpc") != grpc_port:
            self.fail(cwhere, f"the port named grpc ({ports.get('grpc')}) is "
                      f"not --listen's ({grpc_port})")
        metrics_port = port_of("metrics_listen", "")
        if metrics_port is None:
            self.fail(cwhere, "no --metrics_listen: nothing to scrape")
        elif ports.get("metrics") != metrics_port:
            self.fail(cwhere, f"the port named metrics ({ports.get('metrics')})"
                      f" is not --metrics_listen's ({metrics_port})")

        def resolve(port):
            """A probe's or Service's port, by number or name."""
            if isinstance(port, int):
                return port if port in numbers else None
            return ports.get(port)

        # Readiness: the gateway's gRPC health, per service or overall.
        health_names = {"", service_name}
        readiness = container.get("readinessProbe") or {}
        grpc_probe = readiness.get("grpc")
        if not grpc_probe:
            self.fail(cwhere, "readinessProbe is not a grpc: health probe")
        else:
            if grpc_probe.get("port") != grpc_port:
                self.fail(cwhere, f"readinessProbe.grpc.port "
                          f"{grpc_probe.get('port')} is not the gRPC port "
                          f"{grpc_port}")
            if grpc_probe.get("service", "") not in health_names:
                self.fail(cwhere, f"readinessProbe asks for service "
                          f"{grpc_probe.get('service')!r}; the gateway's "
                          f"health knows only {sorted(health_names)}")

        # Liveness: must not fail while api.video rejects the key.
        liveness = container.get("livenessProbe")
        if not liveness:
            self.fail(cwhere, "no livenessProbe")
        elif "grpc" in liveness:
            if (liveness["grpc"] or {}).get("service", "") in health_names:
                self.fail(cwhere, "livenessProbe is the gRPC health of "
                          f"{(liveness['grpc'] or {}).get('service', '')!r},"
                          " which turns NOT_SERVING while api.video rejects "
                          "the key: every replica would restart")
            else:
                self.fail(cwhere, "livenessProbe asks gRPC health for a name "
                          "the gateway does not serve: it always fails")
        else:
            for kind in ("httpGet", "tcpSocket"):
                action = liveness.get(kind)
                if action is None:
                    continue
                number = resolve(action.get("port"))
                if number is None:
                    self.fail(cwhere, f"livenessProbe.{kind}.port "
                              f"{action.get('port')!r} is not a container "
                              "port")
                if (kind == "httpGet" and number == metrics_port and
                        action.get("path") != "/metrics"):
                    self.fail(cwhere, "the metrics server answers only "
                              f"/metrics, not {action.get('path')!r}")
        for probe_name in ("startupProbe",):
            probe = container.get(probe_name) or {}
            if "grpc" in probe and probe["grpc"].get("port") != grpc_port:
                self.fail(cwhere, f"{probe_name}.grpc.port is not the gRPC "
                          "port")

        # Prometheus annotations.
        annotations = (template.get("metadata") or {}).get("annotations") or {}
        if annotations.get("prometheus.io/scrape") != "true":
            self.fail(where, 'no prometheus.io/scrape: "true" annotation')
        if str(annotations.get("prometheus.io/port")) != str(metrics_port):
            self.fail(where, f"prometheus.io/port "
                      f"{annotations.get('prometheus.io/port')} is not the "
                      f"metrics port {metrics_port}")
        if annotations.get("prometheus.io/path", "/metrics") != "/metrics":
            self.fail(where, "prometheus.io/path must be /metrics")

        self.check_security(cwhere, pod, container)
        self.check_secret(cwhere, pod, container, flags)
        self.check_grace(cwhere, pod, container, flags, gateway_flags)

        # Service, PodDisruptionBudget, HorizontalPodAutoscaler.
        swhere, service = self.one(objects, "Service")
        if service is not None:
            sspec = service.get("spec") or {}
            sselector = sspec.get("selector") or {}
            if not sselector or not self.subset(sselector, template_labels):
                self.fail(swhere, f"selector {sselector} does not select the "
                          f"Deployment's pods {template_labels}")
            for port in sspec.get("ports") or []:
                target = port.get("targetPort", port.get("port"))
                if resolve(target) is None:
                    self.fail(swhere, f"targetPort {target!r} is not a "
                              "container port")
                if port.get("name") == "grpc" and resolve(target) != grpc_port:
                    self.fail(swhere, "port grpc does not reach --listen")
        pwhere, pdb = self.one(objects, "PodDisruptionBudget")
        if pdb is not None:
            pselector = ((pdb.get("spec") or {}).get("selector") or {}).get(
                "matchLabels") or {}
            if pselector != selector:
                self.fail(pwhere, f"selector {pselector} is not the "
                          f"Deployment's {selector}")
        nwhere, policy = self.one(objects, "NetworkPolicy")
        if policy is not None:
            nspec = policy.get("spec") or {}
            nselector = (nspec.get("podSelector") or {}).get(
                "matchLabels") or {}
            if nselector != selector:
                self.fail(nwhere, f"podSelector {nselector} is not the "
                          f"Deployment's {selector}")
            admitted = set()
            for rule in nspec.get("ingress") or []:
                for port in rule.get("ports") or []:
                    number = resolve(port.get("port"))
                    if number is None:
                        self.fail(nwhere, f"port {port.get('port')!r} is not "
                                  "a container port")
                    admitted.add(number)
            for name, number in (("grpc", grpc_port),
                                 ("metrics", resolve("metrics"))):
                if number not in admitted:
                    self.fail(nwhere, f"admits nobody to port {name}")
        mwhere, monitor = self.one(objects, "ServiceMonitor")
        if monitor is not None:
            mspec = monitor.get("spec") or {}
            mselector = (mspec.get("selector") or {}).get("matchLabels") or {}
            service_labels = ((service or {}).get("metadata") or {}).get(
                "labels") or {}
            if not mselector or not self.subset(mselector, service_labels):
                self.fail(mwhere, f"selector {mselector} does not select the "
                          f"Service {service_labels}")
            service_ports = {p.get("name"): p for p in
                             ((service or {}).get("spec") or {}).get("ports")
                             or []}
            endpoints = mspec.get("endpoints") or []
            if not endpoints:
                self.fail(mwhere, "has no endpoints")
            for endpoint in endpoints:
                port = service_ports.get(endpoint.get("port"))
                if port is None:
                    self.fail(mwhere, f"ServiceMonitor endpoint port "
                              f"{endpoint.get('port')!r} is not a port of the "
                              f"Service {sorted(service_ports)}")
                elif resolve(port.get("targetPort", port.get("port"))) != \
                        metrics_port:
                    self.fail(mwhere, f"ServiceMonitor endpoint port "
                              f"{endpoint.get('port')!r} does not reach "
                              f"--metrics_listen's port {metrics_port}")
                if endpoint.get("path", "/metrics") != "/metrics":
                    self.fail(mwhere, "the metrics server answers only "
                              f"/metrics, not {endpoint.get('path')!r}")
        self.check_example_overlay([(where, pod)] + self.redis_pods(),
                                   container.get("image"))
        hwhere, hpa = self.one(objects, "HorizontalPodAutoscaler")
        if hpa is not None:
            hspec = hpa.get("spec") or {}
            target = hspec.get("scaleTargetRef") or {}
            wanted = {"apiVersion": "apps/v1", "kind": "Deployment",
                      "name": deployment["metadata"].get("name")}
            for key, value in wanted.items():
                if target.get(key) != value:
                    self.fail(hwhere, f"scaleTargetRef.{key} is "
                              f"{target.get(key)!r}, not {value!r}")
            cpu = [m for m in hspec.get("metrics") or []
                   if m.get("type") == "Resource" and
                   (m.get("resource") or {}).get("name") == "cpu"]
            if not cpu:
                self.fail(hwhere, "does not scale on CPU")
            for c in containers:
                if not ((c.get("resources") or {}).get("requests") or {}).get(
                        "cpu"):
                    self.fail(cwhere, f"container {c.get('name')} has no CPU "
                              "request, so the HPA cannot measure "
                              "utilization")
            minimum = hspec.get("minReplicas", 1)
            if minimum < 2:
                self.fail(hwhere, "minReplicas below 2: a drain or a node "
                          "loss stops the service")
            if hspec.get("maxReplicas", 0) < minimum:
                self.fail(hwhere, "maxReplicas below minReplicas")
            if pdb is not None:
                min_available = (pdb.get("spec") or {}).get("minAvailable")
                if isinstance(min_available, int) and min_available >= minimum:
                    self.fail(pwhere, f"minAvailable {min_available} blocks "
                              f"every drain at {minimum} replicas")
        return {"ports": ports, "image": container.get("image"),
                "run_as_user": (container.get("securityContext") or {}).get(
                    "runAsUser",
                    (pod.get("securityContext") or {}).get("runAsUser"))}

    @staticmethod
    def subset(small, big):
        return all(big.get(k) == v for k, v in small.items())

    def check_security(self, where, pod, container):
        pod_context = pod.get("securityContext") or {}
        context = container.get("securityContext") or {}
        if not (context.get("runAsNonRoot") or pod_context.get("runAsNonRoot")):
            self.fail(where, "runAsNonRoot is not set")
        if context.get("runAsUser", pod_context.get("runAsUser")) == 0:
            self.fail(where, "runs as user 0")
        if context.get("readOnlyRootFilesystem") is not True:
            self.fail(where, "readOnlyRootFilesystem is not true")
        if context.get("allowPrivilegeEscalation") is not False:
            self.fail(where, "allowPrivilegeEscalation is not false")
        drop = (context.get("capabilities") or {}).get("drop") or []
        if "ALL" not in drop:
            self.fail(where, "capabilities.drop does not hold ALL")
        if (context.get("capabilities") or {}).get("add"):
            self.fail(where, "adds capabilities")

    def check_secret(self, where, pod, container, flags):
        key_file = flags.get("api_key_file")
        if not key_file:
            self.fail(where, "no --api_key_file: the key must come from the "
                      "Secret as a file, so that rotation needs no restart")
            return
        for env in container.get("env") or []:
            if env.get("name") == "APIVIDEO_API_KEY":
                self.fail(where, "APIVIDEO_API_KEY in env: an environment "
                          "variable cannot be rotated without a restart")
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        found = False
        for mount in container.get("volumeMounts") or []:
            volume = volumes.get(mount.get("name")) or {}
            source = volume.get("secret")
            if source is None:
                continue
            mount_path = mount.get("mountPath", "").rstrip("/")
            items = source.get("items") or []
            files = {i.get("path"): i.get("key") for i in items} if items \
                else None
            if not key_file.startswith(mount_path + "/"):
                continue
            relative = key_file[len(mount_path) + 1:]
            if mount.get("subPath"):
                self.fail(where, f"the Secret is mounted with subPath "
                          f"{mount['subPath']!r}: the kubelet never updates "
                          "a subPath mount, so rotation would need a restart")
            key = files.get(relative) if files is not None else relative
            if key is None:
                self.fail(where, f"--api_key_file {key_file} is not one of "
                          "the Secret volume's items")
            found = True
        if not found:
            self.fail(where, f"--api_key_file {key_file} is not inside a "
                      "mounted Secret volume")

    @staticmethod
    def secret_keys(pod):
        """{Secret name: {keys the pod's volumes read}}."""
        keys = {}
        for volume in pod.get("volumes") or []:
            source = volume.get("secret")
            if source is None:
                continue
            wanted = keys.setdefault(source.get("secretName"), set())
            wanted |= {i.get("key") for i in source.get("items") or []}
        return keys

    def check_example_overlay(self, pods, image):
        """The overlay that shows how to add the Secret: it must make the
        Secret every pod mounts, from files git never sees."""
        where = os.path.join(EXAMPLE_OVERLAY, "kustomization.yaml")
        try:
            overlay = yaml.safe_load(self.read(where)) or {}
        except (OSError, yaml.YAMLError) as error:
            self.fail(where, f"cannot be read: {error}")
            return
        resources = [r.rstrip("/") for r in overlay.get("resources") or []]
        if "../../base" not in resources:
            self.fail(where, "does not build on the base (resources: "
                      "../../base)")
        components = sorted(c.rstrip("/") for c in
                            overlay.get("components") or [])
        wanted_components = sorted(f"../../components/{c}"
                                   for c in COMPONENT_KINDS)
        if components != wanted_components:
            self.fail(where, f"components {components} are not every "
                      f"optional component {wanted_components}")
        generators = {g.get("name"): g for g in
                      overlay.get("secretGenerator") or []}
        try:
            ignored = {line.strip() for line in
                       self.read(os.path.join(EXAMPLE_OVERLAY, ".gitignore"))
                       .splitlines()
                       if line.strip() and not line.startswith("#")}
        except FileNotFoundError:
            ignored = set()
        mounted = {}
        for pod_where, pod in pods:
            for name, keys in self.secret_keys(pod).items():
                mounted.setdefault(name, set()).update(keys)
                if name not in generators:
                    self.fail(where, f"generates no Secret {name!r}, which "
                              f"{pod_where} mounts: it is not the Secret "
                              "the Deployment mounts")
        for name, generator in generators.items():
            if name not in mounted:
                self.fail(where, f"generates Secret {name!r}, which no pod "
                          "mounts: it is not the Secret the Deployment "
                          "mounts")
                continue
            if generator.get("literals") or generator.get("envs"):
                self.fail(where, f"Secret {name!r} has literal values: "
                          "they would be committed")
            files = {}
            for entry in generator.get("files") or []:
                key, _, path = str(entry).partition("=")
                files[key] = path or key
            for key in sorted(mounted[name] - set(files)):
                self.fail(where, f"Secret {name!r} lacks the key {key!r} "
                          "that a pod reads")
            for path in sorted(files.values()):
                if path not in ignored:
                    self.fail(where, f"the Secret's file {path!r} is not in "
                              f"{EXAMPLE_OVERLAY}/.gitignore: a real key "
                              "could be committed")
        if (overlay.get("generatorOptions") or {}).get(
                "disableNameSuffixHash") is not True:
            self.fail(where, "generatorOptions.disableNameSuffixHash is not "
                      "true: each key change would be a new Secret and a "
                      "rollout instead of a rotation in place")
        version = self.read("VERSION").strip()
        tags = [i.get("newTag") for i in overlay.get("images") or []
                if i.get("name") == (image or "").split(":")[0]]
        if tags != [version]:
            self.fail(where, f"asks for the image tags {tags}, not the "
                      f"version {version!r} of VERSION")

    def redis_pods(self):
        """[(file, pod spec)] of the Deployments in redis/."""
        pods = []
        directory = os.path.join(KUBE_DIR, "redis")
        for name in sorted(os.listdir(self.path(directory))):
            if not name.endswith(".yaml"):
                continue
            where = os.path.join(directory, name)
            try:
                documents = list(yaml.safe_load_all(self.read(where)))
            except yaml.YAMLError as error:
                self.fail(where, f"does not parse as YAML: {error}")
                continue
            for doc in documents:
                if isinstance(doc, dict) and doc.get("kind") == "Deployment":
                    pods.append((where, ((doc.get("spec") or {}).get(
                        "template") or {}).get("spec") or {}))
        return pods

    def check_grace(self, where, pod, container, flags, gateway_flags):
        grace = parse_duration(flags.get(
            "shutdown_grace", gateway_flags.get("shutdown_grace", "")))
        if grace is None:
            self.fail(where, "cannot read --shutdown_grace")
            return
        pre_stop = ((container.get("lifecycle") or {}).get("preStop") or {})
        sleep = 0.0
        command = (pre_stop.get("exec") or {}).get("command") or []
        if command[:1] == ["sleep"] and len(command) == 2:
            sleep = float(command[1])
        if "sleep" in pre_stop:
            sleep = float(pre_stop["sleep"].get("seconds", 0))
        period = pod.get("terminationGracePeriodSeconds", 30)
        if period <= sleep + grace:
            self.fail(where, f"terminationGracePeriodSeconds {period} does not"
                      f" outlast preStop ({sleep:g} s) plus --shutdown_grace "
                      f"({grace:g} s): calls would be killed without a "
                      "status")

    # --- Dockerfile, Makefile, CI -------------------------------------------

    def makefile(self):
        text = self.read("Makefile")
        variables = dict(re.findall(r"^([A-Z_]+)\s*[?:]?=\s*(.*?)\s*$", text,
                                    re.MULTILINE))
        rules = {}
        current = None
        for line in text.splitlines():
            if line.startswith("\t") and current is not None:
                rules[current][1].append(line.strip().lstrip("@"))
                continue
            match = re.match(r"^([^\s:#=][^:=]*):(?!=)\s*(.*)$", line)
            if match:
                current = match.group(1).strip()
                rules[current] = (match.group(2).split(), [])
            elif not line.startswith("\t"):
                current = None if line.strip() else current

        def expand(value, depth=0):
            def one(match):
                name = match.group(1)
                if name.startswith("shell "):
                    return "$(" + name[len("shell "):] + ")"
                return expand(variables.get(name, ""), depth + 1)
            return re.sub(r"\$\(([^()]*)\)", one, value) if depth < 5 \
                else value

        return rules, expand

    def ci_build_commands(self):
        """install-deps, configure, build: what `make test` runs on CI."""
        ci = self.read(os.path.join(".ci", "run"))
        # `make test` itself (not test-asan), perhaps under .ci/run's `step`.
        if not re.search(r"^\s*(?:step\s+)?make test(?:[ \t]|$)", ci, re.MULTILINE):
            self.fail(".ci/run", "does not run `make test`")
        rules, expand = self.makefile()
        commands = {}
        test = rules.get("test", ([], []))
        if "build" not in test[0]:
            self.fail("Makefile", "test does not depend on build")
        build = rules.get("build", ([], []))
        if "deps" not in build[0]:
            self.fail("Makefile", "build does not depend on deps")
        deps = rules.get("deps", ([], []))
        if not any("scripts/install-deps.sh" in c for c in deps[1]):
            self.fail("Makefile", "deps does not run scripts/install-deps.sh")
        for prerequisite in build[0]:
            for command in rules.get(prerequisite, ([], []))[1]:
                if command.startswith("cmake -S"):
                    commands["configure"] = shlex.split(expand(command))
        for command in build[1]:
            if command.startswith("cmake --build"):
                commands["build"] = shlex.split(expand(command))
        for step in ("configure", "build"):
            if step not in commands:
                self.fail("Makefile", f"no cmake {step} command under build")
        return commands

    def dockerfile(self):
        """[(stage name, base, [(INSTRUCTION, text)])], global ARGs."""
        text = self.read(DOCKERFILE)
        lines = []
        pending = ""
        for raw in text.splitlines():
            if raw.strip().startswith("#"):
                continue
            if raw.rstrip().endswith("\\"):
                pending += raw.rstrip()[:-1] + " "
                continue
            line = (pending + raw).strip()
            pending = ""
            if line:
                lines.append(line)
        global_args = {}
        stages = []
        for line in lines:
            keyword, _, rest = line.partition(" ")
            keyword = keyword.upper()
            rest = rest.strip()
            if keyword == "FROM":
                words = rest.split()
                name = words[2] if len(words) >= 3 and \
                    words[1].upper() == "AS" else None
                stages.append((name, words[0], [], {}))
            elif not stages:
                if keyword == "ARG":
                    key, _, value = rest.partition("=")
                    global_args[key] = value
            else:
                stages[-1][2].append((keyword, rest))
                if keyword == "ARG":
                    key, _, value = rest.partition("=")
                    stages[-1][3][key] = value or global_args.get(key, "")
        return stages, global_args

    @staticmethod
    def substitute(text, args):
        return re.sub(r"\$\{([A-Za-z_]+)\}|\$([A-Za-z_]+)",
                      lambda m: args.get(m.group(1) or m.group(2), m.group(0)),
                      text)

    def check_dockerfile(self, accepted, kube):
        where = DOCKERFILE
        stages, global_args = self.dockerfile()
        if len(stages) < 2:
            self.fail(where, "is not multi-stage (a build and a runtime "
                      "stage)")
            return
        bases = {self.substitute(base, global_args) for _, base, _, _ in
                 stages}
        for base in bases:
            if not re.fullmatch(r"debian:(bookworm|12)(-slim)?(@.*)?", base):
                self.fail(where, f"base {base} is not Debian 12 "
                          "(debian:bookworm-slim)")
        if len(bases) != 1:
            self.fail(where, f"stages use different bases {sorted(bases)}: "
                      "the runtime packages must be those built against")

        # Build stage: install-deps.sh, then the Makefile's configure, build.
        expected = self.ci_build_commands()
        build_name, _, build_steps, build_args = stages[0]
        runs = [self.substitute(rest, build_args)
                for keyword, rest in build_steps if keyword == "RUN"]
        found = {}
        for index, run in enumerate(runs):
            for part in re.split(r"&&|;", run):
                words = shlex.split(part)
                if not words:
                    continue
                if words[0] in ("scripts/install-deps.sh",
                                "./scripts/install-deps.sh"):
                    found.setdefault("deps", index)
                if words == expected.get("configure"):
                    found.setdefault("configure", index)
                build = expected.get("build") or []
                if build and words[:len(build)] == build and \
                        words[len(build):] in ([], ALLOWED_BUILD_EXTRAS):
                    found.setdefault("build", index)
        wanted = {
            "deps": "scripts/install-deps.sh",
            "configure": " ".join(expected.get("configure", ["?"])),
            "build": " ".join(expected.get("build", ["?"])),
        }
        for step, command in wanted.items():
            if step not in found:
                self.fail(where, f"the build stage does not run `{command}` "
                          "as the Makefile (and so CI) does")
        if all(s in found for s in wanted) and not \
                found["deps"] <= found["configure"] <= found["build"]:
            self.fail(where, "the build stage does not install, configure "
                      "and build in that order")
        if not any(keyword == "COPY" and ("scripts/install-deps.sh" in rest
                                          or rest.split()[0] == ".")
                   for keyword, rest in build_steps):
            self.fail(where, "the build stage does not copy "
                      "scripts/install-deps.sh")

        # Runtime stage.
        _, _, steps, args = stages[-1]
        user = [rest for keyword, rest in steps if keyword == "USER"]
        if not user:
            self.fail(where, "the runtime stage has no USER: it runs as root")
        else:
            uid = user[-1].split(":")[0]
            if not uid.isdigit() or uid == "0":
                self.fail(where, f"USER {user[-1]} is not a numeric non-root "
                          "user (Kubernetes' runAsNonRoot needs a number)")
            elif kube.get("run_as_user") is not None and \
                    int(uid) != kube["run_as_user"]:
                self.fail(where, f"USER {uid} is not the Deployment's "
                          f"runAsUser {kube['run_as_user']}")
        exposed = set()
        for keyword, rest in steps:
            if keyword == "EXPOSE":
                exposed |= {int(p.split("/")[0]) for p in rest.split()}
            if keyword in ("ENV", "ARG") and re.search(r"API_KEY", rest):
                self.fail(where, f"{keyword} {rest}: no key in the image")
        for name, number in (kube.get("ports") or {}).items():
            if number not in exposed:
                self.fail(where, f"does not EXPOSE the {name} port {number}")
        copied = None
        for keyword, rest in steps:
            if keyword == "COPY" and "--from=" in rest and \
                    "upload_token_gateway" in rest:
                copied = rest.split()[-1]
        entrypoint = [rest for keyword, rest in steps if keyword ==
                      "ENTRYPOINT"]
        cmd = [rest for keyword, rest in steps if keyword == "CMD"]
        if not entrypoint or copied is None or \
                yaml.safe_load(entrypoint[-1])[:1] != [copied]:
            self.fail(where, "ENTRYPOINT is not the copied "
                      "upload_token_gateway binary")
        if cmd:
            self.check_args(f"{where}: CMD", yaml.safe_load(cmd[-1]),
                            accepted)
        image = kube.get("image") or ""
        if image and not image.split(":")[0].endswith("upload-token-gateway"):
            self.fail(where, f"the Deployment runs {image}")
        self.check_runtime_packages(where, steps, args)

    def check_runtime_packages(self, where, steps, args):
        packages = set()
        for keyword, rest in steps:
            if keyword != "RUN":
                continue
            for part in re.split(r"&&|;", self.substitute(rest, args)):
                words = shlex.split(part)
                if "apt-get" in words and "install" in words:
                    after = words[words.index("install") + 1:]
                    packages |= {w for w in after if not w.startswith("-")}
        if not packages:
            self.fail(where, "the runtime stage installs no packages")
            return
        status = run_cached(
            ("dpkg-query", "-W",
             "-f=${Package} ${Depends} ${Pre-Depends}\n")).stdout
        depends = {}
        for line in status.splitlines():
            name, _, rest = line.partition(" ")
            names = set()
            for alternative in rest.split(","):
                first = alternative.split("|")[0].strip()
                if first:
                    names.add(re.split(r"[\s(:]", first)[0])
            depends[name.split(":")[0]] = names
        for package in sorted(packages):
            if package not in depends:
                self.fail(where, f"runtime package {package} is not a "
                          "Debian 12 package installed on this machine, so "
                          "its name cannot be checked")
        closure = set(BASE_IMAGE_PACKAGES)
        todo = list(packages)
        while todo:
            package = todo.pop()
            if package in closure:
                continue
            closure.add(package)
            todo.extend(depends.get(package, ()))
        ldd = run_cached(("ldd", self.binary)).stdout
        libraries = sorted(set(re.findall(r"(/\S+\.so[.\d]*)", ldd)))
        if not libraries:
            self.fail(where, f"ldd {self.binary} lists no shared library")
        owners = dpkg_owners(libraries)
        for library in libraries:
            owner = owners[library]
            if owner is None:
                self.fail(where, f"no Debian package owns {library}, which "
                          "the binary links")
            elif re.match(r"lib(asan|ubsan|tsan|lsan)\d*$", owner):
                continue  # a sanitizer build; the image builds without
            elif owner not in closure:
                self.fail(where, f"the runtime stage lacks {owner} (for "
                          f"{os.path.basename(library)}, which the binary "
                          "links)")

    # --- the rest -----------------------------------------------------------

    def check_dockerignore(self):
        try:
            entries = {line.strip() for line in self.read(".dockerignore")
                       .splitlines() if line.strip() and
                       not line.startswith("#")}
        except FileNotFoundError:
            self.fail(".dockerignore", "missing")
            return
        for needed in (".git", "build", "build-*", "**/node_modules"):
            if needed not in entries:
                self.fail(".dockerignore", f"does not exclude {needed}")

    def check_docs(self, gateway_flags):
        docs = os.path.join("docs", "operations.md")
        try:
            text = self.read(docs)
        except FileNotFoundError:
            self.fail(docs, "missing")
            return
        for flag, default in sorted(gateway_flags.items()):
            row = re.search(rf"^\| `--{flag}` \|([^|]*)\|", text, re.MULTILINE)
            if row is None:
                self.fail(docs, f"does not document --{flag} (no table row)")
                continue
            cell = re.fullmatch(r"`([^`]*)`", row.group(1).strip())
            documented = cell.group(1) if cell else ""
            if not same_default(documented, default):
                self.fail(docs, f"documents --{flag}'s default as "
                          f"{documented!r}; the binary's is {default!r}")


def gateway_flags(checker):
    """{name: default} of every flag the gateway defines itself (in
    gateway/config/flags.cc), from the binary's --helpfull; abseil's own
    flags (--flagfile, --help...) are left out."""
    run = run_cached((checker.binary, "--helpfull"))
    flags = {}
    own = False
    for block in re.split(r"\n(?=  Flags from |    --)", run.stdout):
        header = re.match(r"\s*Flags from (.*):", block)
        if header:
            own = header.group(1).endswith("gateway/config/flags.cc")
            continue
        # A section ends at its blank line: what follows the last section
        # ("Try --helpfull ...") belongs to no flag.
        block = block.split("\n\n")[0]
        entry = re.match(r"    --(\w+) \(", block)
        if own and entry:
            default = re.search(r"default: (.*?);$", block, re.DOTALL)
            if not default:
                raise SystemExit(f"{checker.binary} --helpfull shows no "
                                 f"default for a flag:\n{block}")
            value = default.group(1)
            flags[entry.group(1)] = (value[1:-1] if len(value) >= 2 and
                                     value[0] == value[-1] == '"' else value)
    if "listen" not in flags:
        raise SystemExit(f"{checker.binary} --helpfull lists no flags from "
                         f"gateway/config/flags.cc\n{run.stdout}")
    return flags


def same_default(documented, actual):
    """Whether docs' default and the binary's are the same value: equal
    text, or the same duration ("0s" and "0", "2s" and "2000ms")."""
    if documented == actual:
        return True
    seconds = [0.0 if text == "0" else parse_duration(text)
               for text in (documented, actual)]
    return None not in seconds and seconds[0] == seconds[1]


def service_full_name(checker):
    text = checker.read(PROTO)
    package = re.search(r"^package\s+([\w.]+);", text, re.MULTILINE).group(1)
    service = re.search(r"^service\s+(\w+)", text, re.MULTILINE).group(1)
    return f"{package}.{service}"


def parse_duration(text):
    """Seconds in an absl duration such as "15s", "1m30s", "500ms"."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)", text or "")
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * units[u] for n, u in parts)


@functools.lru_cache(maxsize=None)
def run_cached(command, environment=()):
    """The finished command, with this process's environment (less any
    UPLOAD_TOKEN_GATEWAY_ variable) plus `environment` ((name, value)
    pairs); the same command runs once per process (the breakage test runs
    the checks many times on one binary)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(FLAG_ENVIRONMENT_PREFIX)}
    env.update(dict(environment))
    return subprocess.run(list(command), capture_output=True, text=True,
                          timeout=60, check=False, env=env)


def dpkg_owners(libraries):
    """{library: Debian package owning it, or None}, with one dpkg query."""
    candidates = {}
    for library in libraries:
        paths = [library, os.path.realpath(library)]
        for path in list(paths):
            paths.append(path[len("/usr"):] if path.startswith("/usr/")
                         else "/usr" + path)
        candidates[library] = paths
    every = sorted({p for paths in candidates.values() for p in paths})
    run = run_cached(("dpkg-query", "-S", *every)) if every else None
    owner_of = {}
    for line in (run.stdout if run else "").splitlines():
        package, _, path = line.partition(": ")
        if path and "," not in package:
            owner_of[path.strip()] = package.split(":")[0].strip()
    return {library: next((owner_of[p] for p in paths if p in owner_of),
                          None)
            for library, paths in candidates.items()}


def run_checks(root, binary):
    checker = Checker(root, binary)
    accepted = checker.binary_flags()
    flags = gateway_flags(checker)
    objects = checker.load_manifests()
    kube = checker.check_kubernetes(objects, accepted,
                                    service_full_name(checker), flags)
    checker.check_dockerfile(accepted, kube)
    checker.check_dockerignore()
    checker.check_docs(flags)
    return checker.failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--binary", required=True,
                        help="the built upload_token_gateway")
    options = parser.parse_args()
    failures = run_checks(options.source_dir, options.binary)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} problem(s) in the deployment files",
              file=sys.stderr)
        return 1
    print("deploy/: manifests, Dockerfile and docs agree with the gateway")
    return 0


if __name__ == "__main__":
    sys.exit(main())
