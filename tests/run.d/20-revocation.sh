#!/usr/bin/env bash
# Revocation suite (loopback CRL/OCSP/AIA server on 127.0.0.1): see tests/revocation/run.sh.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../revocation/run.sh"
