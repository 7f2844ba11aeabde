"""One layer of gateway/ as CMake builds it, in one call.

    gateway_layer(
        name = "http",
        deps = [...],          # of the library
        testing_deps = [...],  # of the test helpers in testing/, if any
        test_deps = [...],     # of the unit tests, beyond the above
    )

makes, in the package gateway/<name>:
  gateway_<name>          the package's *.cc (tests aside) and *.h;
  gateway_<name>_testing  its testing/ folder (*.cc and *.h, tests aside),
                          testonly, when testing_deps is given;
  <name>_<file>           one cc_test per *_test.cc of the package and of
                          testing/ (e.g. http_curl_loop_test), the names
                          cmake/GatewayTests.cmake gives the same tests.
Every target is public: the layering is checked by what each layer's deps
list, as docs/architecture.md describes.
"""

load("//bazel:copts.bzl", "GATEWAY_COPTS")

_PUBLIC = ["//visibility:public"]

def gateway_layer(name, deps, testing_deps = None, test_deps = [], exclude = []):
    library = ":gateway_" + name
    native.cc_library(
        name = library[1:],
        srcs = native.glob(["*.cc"], exclude = ["*_test.cc"] + exclude),
        hdrs = native.glob(["*.h"], exclude = exclude),
        copts = GATEWAY_COPTS,
        visibility = _PUBLIC,
        deps = deps,
    )
    under_test = [library]
    if testing_deps != None:
        native.cc_library(
            name = library[1:] + "_testing",
            testonly = True,
            srcs = native.glob(["testing/*.cc"], exclude = ["testing/*_test.cc"]),
            hdrs = native.glob(["testing/*.h"]),
            copts = GATEWAY_COPTS,
            visibility = _PUBLIC,
            deps = [library] + testing_deps,
        )
        under_test.append(library + "_testing")
    for src in native.glob(["*_test.cc", "testing/*_test.cc"]):
        native.cc_test(
            name = name + "_" + src.split("/")[-1][:-len(".cc")],
            size = "small",
            srcs = [src],
            copts = GATEWAY_COPTS,
            deps = under_test + test_deps + ["@system//:gmock", "@system//:gtest_main"],
        )
