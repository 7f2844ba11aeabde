"""gateway_unit_tests: the unit tests of one layer, as CMake builds them.

    gateway_unit_tests(layer = "http", deps = [":gateway_http", ...])

makes one cc_test per *_test.cc of the package and of its testing/ folder,
named <layer>_<file> (e.g. http_curl_loop_test), the names that
cmake/GatewayTests.cmake gives the same executables.
"""

load("//bazel:copts.bzl", "GATEWAY_COPTS")

def gateway_unit_tests(layer, deps, data = []):
    for src in native.glob(["*_test.cc", "testing/*_test.cc"]):
        stem = src.split("/")[-1][:-len(".cc")]
        native.cc_test(
            name = layer + "_" + stem,
            size = "small",
            srcs = [src],
            copts = GATEWAY_COPTS,
            data = data,
            deps = deps + [
                "@system//:gmock",
                "@system//:gtest_main",
            ],
        )
