"""The three kinds of target every layer of gateway/ has, as CMake builds them.

    gateway_library(name = "gateway_http", deps = [...])
        the package's *.cc (tests aside) and *.h, one cc_library;
    gateway_testing_library(name = "gateway_http_testing", deps = [...])
        its testing/ folder (*.cc and *.h, tests aside), testonly;
    gateway_unit_tests(layer = "http", deps = [...])
        one cc_test per *_test.cc of the package and of testing/, named
        <layer>_<file> (e.g. http_curl_loop_test), the names that
        cmake/GatewayTests.cmake gives the same executables.
"""

load("//bazel:copts.bzl", "GATEWAY_COPTS")

def gateway_library(name, deps, exclude = [], **kwargs):
    native.cc_library(
        name = name,
        srcs = native.glob(["*.cc"], exclude = ["*_test.cc"] + exclude),
        hdrs = native.glob(["*.h"], exclude = exclude),
        copts = GATEWAY_COPTS,
        deps = deps,
        **kwargs
    )

def gateway_testing_library(name, deps):
    native.cc_library(
        name = name,
        testonly = True,
        srcs = native.glob(["testing/*.cc"], exclude = ["testing/*_test.cc"]),
        hdrs = native.glob(["testing/*.h"]),
        copts = GATEWAY_COPTS,
        deps = deps,
    )

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
