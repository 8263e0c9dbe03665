#!/usr/bin/env bash
# Tools of the revocation suite (tests/run.d/20-revocation.sh): python3 (standard library only) and
# openssl (the OCSP responder, CRL issuance). Installed only when missing; needs root for apt-get.
set -euo pipefail
# The commands may come from elsewhere than Debian (a pyenv python3): packages only for missing ones.
pkgs=()
command -v python3 > /dev/null || pkgs+=(python3)
command -v openssl > /dev/null || pkgs+=(openssl)
# shellcheck source=../lib/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/debian.sh"
debian_packages revocation "${pkgs[@]}"
