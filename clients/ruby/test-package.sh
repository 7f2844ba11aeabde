#!/usr/bin/env bash
# Tests the gem the way a service in another repository takes it up: builds
# it, installs it with `gem install --local` into a throwaway GEM_HOME, and
# runs a throwaway project's program (examples/example.rb, copied) against
# the gateway that clients/testing/with-gateway.sh started (GATEWAY_TARGET,
# TLS/mTLS and the caller token from its environment). Runs the unit tests
# (test/, minitest) against the installed gem first.
#
#   clients/testing/with-gateway.sh build/bin --tls --replicas 2 -- clients/ruby/test-package.sh
#
# Offline: the gem's dependencies (grpc, google-protobuf,
# googleapis-common-protos-types) are Debian's (ruby-grpc,
# ruby-google-protobuf, ruby-googleapis-common-protos-types), which `gem
# install` must find and accept as they are declared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${GATEWAY_TARGET:?run me under clients/testing/with-gateway.sh}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dist" "$tmp/gems" "$tmp/project"

"$here/build-package.sh" "$tmp/dist" >/dev/null
gem_file=$(ls "$tmp/dist"/upload_token_gateway_client-*.gem)

# The gem goes to its own GEM_HOME. GEM_PATH ending in ':' keeps RubyGems'
# default paths (Debian's system gems) after it, so that the declared
# dependencies resolve there; --local: never rubygems.org. No
# --ignore-dependencies: an unmet requirement fails the install.
export GEM_HOME=$tmp/gems GEM_PATH=$tmp/gems: GEM_SPEC_CACHE=$tmp/spec-cache
gem install --local --no-document "$gem_file"
# The dependencies were resolved, not skipped: each one the gem declares is
# activatable together with it.
ruby -e 'spec = Gem::Specification.find_by_name("upload_token_gateway_client")
  spec.activate
  abort "not installed in GEM_HOME: #{spec.gem_dir}" unless spec.gem_dir.start_with?(ENV["GEM_HOME"])
  spec.runtime_dependencies.each do |dep|
    found = Gem.loaded_specs[dep.name] or abort "dependency #{dep.name} not resolved"
    abort "#{dep} not met by #{found.version}" unless dep.match?(found.name, found.version)
    puts "dependency #{dep.name} #{dep.requirement}: #{found.version} (#{found.gem_dir})"
  end'

# The throwaway project: its own directory outside the tree, nothing of the
# tree on its load path.
cp "$here/examples/example.rb" "$tmp/project/"
if [ -d "$here/test" ]; then
  cp -r "$here/test" "$tmp/project/test"
  (cd "$tmp/project" && for t in test/*_test.rb; do ruby "$t"; done)
fi
cd "$tmp/project"
ruby example.rb
