# gateway_unit_tests(<layer> LIBS <library>...)
#
# One test executable per *_test.cc of the calling directory and of its
# testing/ folder, named <layer>_<file> (e.g. http_curl_loop_test), linked
# with LIBS, GoogleMock and gtest_main; every GoogleTest case becomes a ctest
# test. bazel/gateway.bzl's gateway_unit_tests names the same executables the
# same way, and bazel/compare_tests.sh checks that the two builds agree.
function(gateway_unit_tests layer)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
       ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc
       ${CMAKE_CURRENT_SOURCE_DIR}/testing/*_test.cc)
  foreach(source IN LISTS sources)
    get_filename_component(stem ${source} NAME_WE)
    set(target ${layer}_${stem})
    add_executable(${target} ${source})
    target_link_libraries(${target} PRIVATE
      ${ARG_LIBS} GTest::gmock GTest::gtest_main)
    gtest_discover_tests(${target})
  endforeach()
endfunction()
