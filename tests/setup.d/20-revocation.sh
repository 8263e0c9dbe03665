#!/usr/bin/env bash
# Tools of the revocation suite (tests/run.d/20-revocation.sh): python3 (standard library only) and
# openssl (the OCSP responder, CRL issuance). Installed only when missing; needs root for apt-get.
set -euo pipefail
missing=()
command -v python3 > /dev/null || missing+=(python3)
command -v openssl > /dev/null || missing+=(openssl)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup(revocation): installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
else
  echo "setup(revocation): python3 and openssl present"
fi
