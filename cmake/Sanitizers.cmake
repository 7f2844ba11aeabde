# Sanitizer and fuzzing builds, both off by default (see README.md,
# "Development"): `make test-asan` and `make fuzz` configure their own build
# directories with them.
#
# GATEWAY_SANITIZE: a -fsanitize= list applied to everything built, e.g.
#   "address,undefined" (make test-asan, with gcc). UBSan findings are fatal.
# GATEWAY_FUZZ: the libFuzzer targets of fuzz/ (clang only). All project code
#   is then built with ASan, UBSan and libFuzzer's coverage instrumentation.
set(GATEWAY_SANITIZE "" CACHE STRING
    "Sanitizers for every target, e.g. address,undefined (empty: none)")
option(GATEWAY_FUZZ "Build the libFuzzer targets of fuzz/ (needs clang)" OFF)

if(GATEWAY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "GATEWAY_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(NOT GATEWAY_SANITIZE)
    set(GATEWAY_SANITIZE address,undefined)
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(GATEWAY_SANITIZE)
  add_compile_options(-fsanitize=${GATEWAY_SANITIZE}
                      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${GATEWAY_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # gcc 12's flow analysis is confused by the sanitizers' instrumentation
    # and reports -Wmaybe-uninitialized inside libstdc++'s <regex>
    # (std::function in _StateT); the unsanitized builds keep the warning.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
