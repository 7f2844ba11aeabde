"""runfiles_dir: executables gathered under one directory of the runfiles tree.

Tests that start other programs by path (tests/testing/emulator_process.cc
looks in GATEWAY_TEST_BINARY_DIR) get them as a data dependency on this rule:
each binary appears, under the given name, at <dir>/<name> relative to the
test's working directory (the workspace's runfiles root), without a copy.
"""

def _runfiles_dir_impl(ctx):
    symlinks = {}
    runfiles = ctx.runfiles()
    for target, name in ctx.attr.binaries.items():
        executable = target[DefaultInfo].files_to_run.executable
        if executable == None:
            fail("{} is not executable".format(target.label))
        symlinks["{}/{}".format(ctx.attr.dir, name)] = executable
        runfiles = runfiles.merge(target[DefaultInfo].default_runfiles)
    return [DefaultInfo(runfiles = ctx.runfiles(symlinks = symlinks).merge(runfiles))]

runfiles_dir = rule(
    implementation = _runfiles_dir_impl,
    attrs = {
        "binaries": attr.label_keyed_string_dict(
            cfg = "target",
            mandatory = True,
            doc = "executable target -> file name under dir",
        ),
        "dir": attr.string(mandatory = True, doc = "directory, relative to the workspace's runfiles root"),
    },
)
