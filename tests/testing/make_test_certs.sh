#!/usr/bin/env bash
# Writes a throwaway test CA and certificates it signed into the directory
# given as $1:
#   ca.pem                      the CA (and its key, ca.key)
#   server.pem server.key       for localhost, gateway.test (the name of two
#                               replicas in clients/testing/with-gateway.sh),
#                               127.0.0.1 and 127.0.0.2
#   billing.pem billing.key     a client: DNS billing.internal and
#                               URI spiffe://test/ns/default/sa/billing
#   intruder.pem intruder.key   a client: DNS intruder.internal
# The certificates live two days: tests make them fresh on every run.
set -euo pipefail
out=${1:?usage: make_test_certs.sh OUTPUT_DIR}
mkdir -p "$out"
cd "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.pem -days 2 -subj "/CN=Upload Token Gateway Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
cat > server.ext <<'EXT'
subjectAltName=DNS:localhost,DNS:gateway.test,IP:127.0.0.1,IP:127.0.0.2
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out server.pem -days 2 -extfile server.ext 2>/dev/null
# client NAME SAN...: a client certificate for the given SANs.
client() {
  local name=$1 san=$2
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$name.key" -out "$name.csr" -subj "/CN=$name" 2>/dev/null
  printf '%s\n' "subjectAltName=$san" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth" \
    > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$name.pem" -days 2 -extfile "$name.ext" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
client billing "DNS:billing.internal,URI:spiffe://test/ns/default/sa/billing"
client intruder "DNS:intruder.internal"
rm -f server.csr server.ext ca.srl
