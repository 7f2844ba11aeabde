#!/usr/bin/python3
"""Writes the .pyi type stub of the *_pb2_grpc.py module that Debian's
grpc_python_plugin generates (the plugin writes no stub of its own).

Usage: gen-grpc-pyi.py DESCRIPTOR_SET PROTO_FILE OUT_PYI
  DESCRIPTOR_SET: protoc --include_imports --descriptor_set_out of PROTO_FILE.
Run by scripts/gen-clients.sh; the output is deterministic.
"""
import sys

from google.protobuf import descriptor_pb2


def module_of(proto_file):
    """'a/b/c.proto' -> 'a.b.c_pb2', the module protoc's --python_out writes."""
    return proto_file[: -len(".proto")].replace("/", ".") + "_pb2"


def main(descriptor_set, proto_file, out):
    files = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set, "rb") as f:
        files.ParseFromString(f.read())
    # ".package.Message" -> "alias.Message", alias being its module's.
    types, aliases = {}, {}
    target = None
    for file in files.file:
        alias = "_" + module_of(file.name).replace(".", "_")
        aliases[file.name] = alias
        for message in file.message_type:
            types[f".{file.package}.{message.name}"] = f"{alias}.{message.name}"
        if file.name == proto_file:
            target = file
    if target is None:
        sys.exit(f"gen-grpc-pyi: {proto_file} is not in {descriptor_set}")

    used = set()
    for service in target.service:
        for method in service.method:
            used.update((method.input_type, method.output_type))
    used_files = sorted({types[t].split(".")[0] for t in used})

    lines = [
        f"# Type stub of {module_of(proto_file)}_grpc, written by scripts/gen-grpc-pyi.py",
        f"# from {proto_file}. DO NOT EDIT: run make clients.",
        "from typing import Optional, Sequence, Tuple, Union",
        "",
        "import grpc",
        "",
    ]
    for name, alias in sorted(aliases.items()):
        if alias in used_files:
            module = module_of(name)
            package, _, leaf = module.rpartition(".")
            lines.append(f"from {package} import {leaf} as {alias}")
    lines += [
        "",
        "_Metadata = Optional[Sequence[Tuple[str, Union[str, bytes]]]]",
        "",
    ]
    for service in target.service:
        lines += ["", f"class {service.name}Stub:",
                  "    def __init__(self, channel: grpc.Channel) -> None: ...", ""]
        for m in service.method:
            if m.client_streaming or m.server_streaming:
                sys.exit("gen-grpc-pyi: streaming methods are not supported")
            lines += [
                f"    def {m.name}(self, request: {types[m.input_type]},"
                f" timeout: Optional[float] = ..., metadata: _Metadata = ...,",
                "                 credentials: Optional[grpc.CallCredentials] = ...,"
                " wait_for_ready: Optional[bool] = ...,",
                "                 compression: Optional[grpc.Compression] = ...)"
                f" -> {types[m.output_type]}: ...",
            ]
        lines += ["", "", f"class {service.name}Servicer:"]
        for m in service.method:
            lines.append(f"    def {m.name}(self, request: {types[m.input_type]},"
                         f" context: grpc.ServicerContext) -> {types[m.output_type]}: ...")
        lines += ["", "",
                  f"def add_{service.name}Servicer_to_server("
                  f"servicer: {service.name}Servicer, server: grpc.Server) -> None: ..."]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
