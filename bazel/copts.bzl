"""Compiler options of the project's own C++ targets, as in CMake."""

# -Werror, like CMake's GATEWAY_WERROR=ON; `--define=gateway_werror=off`
# turns it off (as -DGATEWAY_WERROR=OFF does for CMake).
GATEWAY_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
] + select({
    "//bazel:no_werror": [],
    "//conditions:default": ["-Werror"],
})
