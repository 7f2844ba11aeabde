"""go_command_binary: a Go main package built by the system `go`, offline.

No rules_go here (it would need downloads): one action runs `go build` in the
directory of the module's go.mod, with the module proxy off and the build and
module caches in a fresh temporary directory, since Bazel's sandbox has no
writable $HOME. Enough for a program using only the standard library, such as
the api.video emulator.
"""

def _go_command_binary_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name)
    module_dir = ctx.file.go_mod.dirname
    ctx.actions.run_shell(
        command = """
set -eu
out="$PWD/$1"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/bazel-go.XXXXXX")"
trap 'chmod -R u+w "$scratch"; rm -rf "$scratch"' EXIT
export GOCACHE="$scratch/cache" GOPATH="$scratch/gopath" HOME="$scratch"
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local GOSUMDB=off
cd "$2"
go build -trimpath -buildvcs=false -o "$out" .
""",
        arguments = [out.path, module_dir],
        inputs = ctx.files.srcs + [ctx.file.go_mod],
        outputs = [out],
        use_default_shell_env = True,  # PATH, to find `go`
        mnemonic = "GoBuild",
        progress_message = "Building %s with the system go" % ctx.label,
    )
    return [DefaultInfo(executable = out, files = depset([out]))]

go_command_binary = rule(
    implementation = _go_command_binary_impl,
    executable = True,
    attrs = {
        "srcs": attr.label_list(allow_files = [".go"], mandatory = True),
        "go_mod": attr.label(allow_single_file = ["go.mod"], mandatory = True),
    },
)
