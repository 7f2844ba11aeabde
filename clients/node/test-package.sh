#!/usr/bin/env bash
# The Node package as another repository takes it up (ctest
# clients_node_package, under clients/testing/with-gateway.sh --tls
# --replicas 2): runs the unit tests (npm test's, against an in-process fake
# gateway), packs @upload-token-gateway/client into a temporary directory,
# installs the tarball into a throwaway npm project in another one outside
# the tree, compiles examples/example.ts there with tsc --strict against the
# installed package's types, and runs it against GATEWAY_TARGET over mTLS
# with the caller token. Needs `npm ci` in clients/node; the npm registry (or
# the npm cache) for the project's dependencies.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for name in GATEWAY_TARGET GATEWAY_CA_FILE GATEWAY_CLIENT_CERT_FILE \
    GATEWAY_CLIENT_KEY_FILE GATEWAY_CALLER_TOKEN EMULATOR_URL; do
  if [ -z "${!name:-}" ]; then
    echo "test-package: $name is not set (run under clients/testing/with-gateway.sh --tls)" >&2
    exit 2
  fi
done
packed=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$packed" "$work"' EXIT
project=$work/app  # npm init names the project after its directory
mkdir "$project"

# npm pack's prepack compiles src/, generated/ and test/ into dist/.
tarball=$("$here/build-package.sh" "$packed")
node --test "$here/dist/test/client.test.js"

# A user's project: only the tarball and its declared dependencies.
install=(npm install --no-audit --no-fund --prefer-offline --loglevel=error)
cd "$project"
npm init -y >/dev/null
"${install[@]}" "$tarball"
"${install[@]}" --save-dev "typescript@$(node -p "require('$here/package.json').devDependencies.typescript")"
cp "$here/examples/example.ts" .
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "commonjs",
    "moduleResolution": "node",
    "strict": true,
    "noUnusedLocals": true,
    "outDir": "out"
  },
  "files": ["example.ts"]
}
JSON
npx --no-install tsc -p tsconfig.json
# grpc-js asks the DNS server named in a dns://HOST:PORT/ target's authority
# (with-gateway.sh's) only with its alternative resolver.
GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true node out/example.js
