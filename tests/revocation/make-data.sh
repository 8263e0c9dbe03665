#!/usr/bin/env bash
# Revocation test data in OUT (default tests/work/revocation), from the test PKI in PKI
# (default tests/work/pki), without touching PKI's files:
#   OUT/index.txt     the ca-g2 database with ec-p256 (1003) on hold (certificateHold) since
#                     2025-08-01, for `openssl ocsp -index`;
#   OUT/crl/ca-g2.crl the ca-g2 CRL re-issued from a copy of that database (same dates as the
#                     PKI's: thisUpdate 2025-07-01, nextUpdate 2039-01-01): revoked 1005
#                     keyCompromise, 1004 superseded, 1003 certificateHold.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PKI=${1:-$ROOT/tests/work/pki}
OUT=${2:-$ROOT/tests/work/revocation}
rm -rf "$OUT"
mkdir -p "$OUT/crl" "$OUT/db"
cp -r "$PKI/db/ca-g2" "$OUT/db/ca-g2"
awk -F'\t' 'BEGIN{OFS="\t"} $4=="1003"{$1="R"; $3="250801000000Z,certificateHold,holdInstructionReject"} {print}' \
  "$PKI/db/ca-g2/index.txt" > "$OUT/db/ca-g2/index.txt"
cp "$OUT/db/ca-g2/index.txt" "$OUT/index.txt"
export PORT=${PORT:-18080}
CA_DIR=$OUT/db/ca-g2 openssl ca -batch -gencrl -config "$ROOT/tests/pki/ca.cnf" \
  -cert "$PKI/ca-g2.pem" -keyfile "$PKI/ca-g2.key.pem" -md sha256 \
  -crl_lastupdate 250701000000Z -crl_nextupdate 390101000000Z -out "$OUT/ca-g2.crl.pem" 2> "$OUT/crl.log" \
  || { cat "$OUT/crl.log" >&2; exit 1; }
openssl crl -in "$OUT/ca-g2.crl.pem" -outform DER -out "$OUT/crl/ca-g2.crl"
openssl crl -inform DER -in "$OUT/crl/ca-g2.crl" -noout -text | grep -q "Certificate Hold" \
  || { echo "make-data: the CRL has no certificateHold entry" >&2; exit 1; }
echo "revocation data in $OUT"
