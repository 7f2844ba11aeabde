"""The external repositories that //clients/cpp:upload_token_client needs.

A workspace that depends on the C++ client library calls this once, after
declaring this repository (clients/cpp/README.md, "Bazel"):

    local_repository(name = "upload_token_gateway", path = "...")
    load("@upload_token_gateway//bazel:client_repositories.bzl",
         "upload_token_client_repositories")
    upload_token_client_repositories()

It declares, unless the workspace has them already: @system (Debian's gRPC,
protobuf and abseil through pkg-config, and protoc with grpc_cpp_plugin) and
@googleapis (google/rpc/*.proto from golang-github-gogo-googleapis-dev), the
names this repository's BUILD files use.
"""

load("//bazel:system_libraries.bzl", "system_libraries")

def upload_token_client_repositories():
    if not native.existing_rule("system"):
        system_libraries(
            name = "system",
            libraries = {
                "grpc++": ["grpc++"],
                "protobuf": ["protobuf"],
                "absl": [
                    "absl_random_random",
                    "absl_status",
                    "absl_statusor",
                    "absl_str_format",
                    "absl_strings",
                    "absl_time",
                ],
            },
            tools = {
                "protoc": "protoc",
                "grpc_cpp_plugin": "grpc_cpp_plugin",
            },
        )
    if not native.existing_rule("googleapis"):
        native.new_local_repository(
            name = "googleapis",
            build_file_content = 'exports_files(glob(["google/rpc/*.proto"]))',
            path = "/usr/share/gocode/src/github.com/gogo/googleapis",
        )
