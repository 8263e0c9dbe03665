#!/usr/bin/env bash
# Judges a signed PDF with poppler's pdfsig (NSS underneath), offline.
#
#   tests/interop/pdfsig-validate.sh FILE.pdf ROOT.pem [CA.pem ...]
#
# Makes a throw-away NSS database with ROOT trusted for everything (CT,C,C) and the CA certificates as
# untrusted intermediates (,,), then runs pdfsig -no-ocsp (the test certificates carry an OCSP URL with no
# responder behind it: NSS would report "Unknown issue with Certificate"). Prints pdfsig's output.
# Empty (unsigned) signature fields are ignored. Exit 0 only if there is at least one signature and every
# one says "Signature is Valid." and
# "Certificate is Trusted."; 1 otherwise; 2 on usage errors.
# pdfsig checks the signed byte ranges only: it does not notice content appended after a signature.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 FILE.pdf ROOT.pem [CA.pem ...]" >&2; exit 2; }
FILE=$1 ROOT=$2; shift 2

DB=$(mktemp -d)
trap 'rm -rf "$DB"' EXIT
certutil -N --empty-password -d "sql:$DB"
certutil -A -d "sql:$DB" -n kyso-root -t CT,C,C -a -i "$ROOT"
n=0
for ca in "$@"; do
  n=$((n + 1))
  certutil -A -d "sql:$DB" -n "kyso-ca-$n" -t ,, -a -i "$ca"
done

set +e
out=$(pdfsig -nssdir "sql:$DB" -no-ocsp "$FILE" 2>&1)
rc=$?
set -e
echo "$out"
echo "--- pdfsig exit $rc"

# Empty signature fields are listed too ("The signature form field is not signed."): not signatures.
fields=$(grep -c '^Signature #' <<< "$out" || true)
unsigned=$(grep -c 'The signature form field is not signed' <<< "$out" || true)
sigs=$((fields - unsigned))
valid=$(grep -c 'Signature Validation: Signature is Valid\.' <<< "$out" || true)
trusted=$(grep -c 'Certificate Validation: Certificate is Trusted\.' <<< "$out" || true)
if [[ $rc -ne 0 || $sigs -eq 0 || $valid -ne $sigs || $trusted -ne $sigs ]]; then
  echo "pdfsig-validate: FAIL: $FILE ($sigs signatures, $valid valid, $trusted trusted, exit $rc)"
  exit 1
fi
echo "pdfsig-validate: OK: $sigs signature(s) valid and trusted in $FILE ($unsigned empty signature field(s))"
