"""C++ code generation from .proto files with the system protoc and grpc_cpp_plugin.

The Bazel counterpart of cmake/ProtoLibrary.cmake. Debian ships no protobuf
source tree for rules_proto or the native cc_proto_library, so protoc
(@system//:protoc) runs as a plain action, and the generated code becomes a
cc_library linked against the system libprotobuf (and libgrpc++ with grpc).

    gateway_proto_library(
        name = "upload_tokens_proto",
        srcs = ["apivideo/uploadtokens/v1/upload_tokens.proto"],
        proto_root = "proto",  # the --proto_path, from the repository root
        grpc = True,
    )

Generated headers are included by their import path, as with CMake:
"apivideo/uploadtokens/v1/upload_tokens.pb.h", "gateway/service/page_token.pb.h".
"""

ProtoSourcesInfo = provider(
    doc = "The .proto files of a gateway_proto_library, for importers and descriptor sets.",
    fields = {
        "direct_sources": "list of File: the library's own .proto files, in order",
        "transitive_sources": "depset of File: these and every .proto they may import",
        "proto_paths": "depset of string: --proto_path directories (exec paths), own first",
    },
)

def _join(*parts):
    return "/".join([part for part in parts if part not in ("", ".")]) or "."

def _proto_path(ctx):
    """The --proto_path holding ctx's srcs: proto_root inside their repository."""
    repositories = depset([src.owner.workspace_root for src in ctx.files.srcs]).to_list()
    if len(repositories) != 1:
        fail("srcs of {} come from several repositories: {}".format(ctx.label, repositories))
    return _join(repositories[0], ctx.attr.proto_root)

def _import_path(src, proto_path):
    if proto_path == ".":
        return src.path
    if not src.path.startswith(proto_path + "/"):
        fail("{} is not under proto_root {}".format(src.path, proto_path))
    return src.path[len(proto_path) + 1:]

def _proto_sources(ctx, proto_path):
    deps = [dep[ProtoSourcesInfo] for dep in ctx.attr.deps]
    return ProtoSourcesInfo(
        direct_sources = ctx.files.srcs,
        transitive_sources = depset(ctx.files.srcs, transitive = [dep.transitive_sources for dep in deps]),
        proto_paths = depset([proto_path], transitive = [dep.proto_paths for dep in deps], order = "preorder"),
    )

def _proto_path_args(info):
    return ["--proto_path=" + path for path in info.proto_paths.to_list()]

def _proto_cc_sources_impl(ctx):
    proto_path = _proto_path(ctx)
    info = _proto_sources(ctx, proto_path)
    package = ctx.label.package

    # protoc writes <out_root>/<import path minus .proto>.pb.{h,cc}; the files
    # must land inside this package. A proto whose import path already starts
    # with the package (gateway/page_token.proto in //gateway) goes under the
    # output root, which Bazel puts on the include path; any other (e.g.
    # google/rpc/status.proto in //proto) under the package's output
    # directory, which is then added as an include directory.
    out_roots = []
    headers = []
    sources = []
    suffixes = [".pb.h", ".pb.cc"] + ([".grpc.pb.h", ".grpc.pb.cc"] if ctx.attr.grpc else [])
    for src in ctx.files.srcs:
        base = _import_path(src, proto_path)[:-len(".proto")]
        if package and base.startswith(package + "/"):
            relative = base[len(package) + 1:]
            out_roots.append(_join(ctx.bin_dir.path, ctx.label.workspace_root))
        else:
            relative = base
            out_roots.append(_join(ctx.bin_dir.path, ctx.label.workspace_root, package))
        for suffix in suffixes:
            out = ctx.actions.declare_file(relative + suffix)
            (headers if suffix.endswith(".h") else sources).append(out)
    out_roots = depset(out_roots).to_list()
    if len(out_roots) != 1:
        fail("{}: split these protos into one library per output layout: {}".format(ctx.label, out_roots))
    out_root = out_roots[0]

    args = ctx.actions.args()
    args.add_all(_proto_path_args(info))
    args.add("--cpp_out=" + out_root)
    tools = [ctx.executable._protoc]
    if ctx.attr.grpc:
        args.add("--grpc_out=" + out_root)
        args.add("--plugin=protoc-gen-grpc=" + ctx.executable._grpc_cpp_plugin.path)
        tools.append(ctx.executable._grpc_cpp_plugin)
    args.add_all(ctx.files.srcs)
    ctx.actions.run(
        executable = ctx.executable._protoc,
        arguments = [args],
        inputs = info.transitive_sources,
        tools = tools,
        outputs = headers + sources,
        mnemonic = "ProtocCpp",
        progress_message = "Generating C++ from protos of %s" % ctx.label,
    )

    include_dirs = [] if out_root == ctx.bin_dir.path else [out_root]
    return [
        DefaultInfo(files = depset(headers + sources)),
        OutputGroupInfo(sources = depset(sources)),
        info,
        CcInfo(compilation_context = cc_common.create_compilation_context(
            headers = depset(headers),
            system_includes = depset(include_dirs),
        )),
    ]

_TOOLS = {
    "_protoc": attr.label(default = "@system//:protoc", executable = True, cfg = "exec", allow_single_file = True),
    "_grpc_cpp_plugin": attr.label(default = "@system//:grpc_cpp_plugin", executable = True, cfg = "exec", allow_single_file = True),
}

_proto_cc_sources = rule(
    implementation = _proto_cc_sources_impl,
    attrs = dict({
        "srcs": attr.label_list(allow_files = [".proto"], mandatory = True),
        "proto_root": attr.string(),
        "grpc": attr.bool(),
        "deps": attr.label_list(providers = [ProtoSourcesInfo]),
    }, **_TOOLS),
)

def _sources_target(label):
    if label.startswith(":") or "//" in label:
        return label + "_sources"
    return ":" + label + "_sources"

def gateway_proto_library(name, srcs, proto_root = "", grpc = False, deps = [], **kwargs):
    """A cc_library of the C++ (and with grpc, gRPC stubs) generated from srcs.

    Args:
      name: the cc_library.
      srcs: .proto files, all from one repository.
      proto_root: their --proto_path, relative to that repository's root.
      grpc: also generate gRPC service code (and link libgrpc++).
      deps: gateway_proto_library targets whose protos srcs import.
      **kwargs: passed to the cc_library (visibility, testonly, ...).
    """
    _proto_cc_sources(
        name = name + "_sources",
        srcs = srcs,
        proto_root = proto_root,
        grpc = grpc,
        deps = [_sources_target(dep) for dep in deps],
        visibility = ["//visibility:public"],
        testonly = kwargs.get("testonly", False),
    )
    native.filegroup(
        name = name + "_cc_files",
        srcs = [":" + name + "_sources"],
        output_group = "sources",
        testonly = kwargs.get("testonly", False),
    )
    native.cc_library(
        name = name,
        srcs = [":" + name + "_cc_files"],
        copts = ["-w"],  # generated code is not ours to warn about
        deps = [":" + name + "_sources", "@system//:protobuf"] +
               (["@system//:grpc++"] if grpc else []) + deps,
        **kwargs
    )

def _proto_descriptor_set_impl(ctx):
    infos = [dep[ProtoSourcesInfo] for dep in ctx.attr.deps]
    args = ctx.actions.args()
    for path in depset(transitive = [info.proto_paths for info in infos], order = "preorder").to_list():
        args.add("--proto_path=" + path)
    args.add("--include_imports")
    if ctx.attr.include_source_info:
        args.add("--include_source_info")
    args.add("--descriptor_set_out=" + ctx.outputs.out.path)
    for info in infos:
        args.add_all(info.direct_sources)
    ctx.actions.run(
        executable = ctx.executable._protoc,
        arguments = [args],
        inputs = depset(transitive = [info.transitive_sources for info in infos]),
        outputs = [ctx.outputs.out],
        mnemonic = "ProtocDescriptorSet",
        progress_message = "Generating the descriptor set %s" % ctx.outputs.out.short_path,
    )
    return [DefaultInfo(files = depset([ctx.outputs.out]))]

proto_descriptor_set = rule(
    implementation = _proto_descriptor_set_impl,
    doc = "A FileDescriptorSet of the protos of deps (gateway_proto_library *_sources targets) and their imports.",
    attrs = {
        "deps": attr.label_list(providers = [ProtoSourcesInfo], mandatory = True),
        "out": attr.output(mandatory = True),
        "include_source_info": attr.bool(default = True),
        "_protoc": _TOOLS["_protoc"],
    },
)
