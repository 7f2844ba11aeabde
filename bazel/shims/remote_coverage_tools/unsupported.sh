#!/bin/sh
echo "coverage is not available in this offline Bazel setup (bazel/shims/remote_coverage_tools)" >&2
exit 1
