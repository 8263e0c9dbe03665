#!/usr/bin/env bash
# Installs what the tests need, and nothing when it is already there:
#   - Debian packages (SoftHSM2, OpenSC, OpenSSL, poppler's pdfsig, qpdf, NSS certutil, Liberation fonts);
#   - a Python venv at tests/.venv with the pinned pyHanko judges (tests/requirements.txt);
#   - the wasm32-unknown-unknown Rust target (the verification crates must build for it).
#
#   bash tests/setup.sh
#
# Prints one line per step saying what it did. Needs root for apt-get (CI runs as root).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=$HERE/.venv
REQ=$HERE/requirements.txt

say() { echo "setup: $*"; }

# ---- Debian packages: apt-get only if one is missing (apt-get update is slow and needs the network) ----
PKGS=(softhsm2 opensc openssl poppler-utils qpdf libnss3-tools fonts-liberation xmlsec1)
# The venv needs ensurepip; Debian's own python3 has it only with python3-venv.
PY=$(command -v python3 || true)
if [[ -z $PY ]] || ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
  PKGS+=(python3 python3-venv)
  PY=/usr/bin/python3
fi
# shellcheck source=lib/debian.sh
source "$HERE/lib/debian.sh"
debian_packages tests "${PKGS[@]}"

# ---- Python venv with the judges; rebuilt only when requirements.txt changes ----
req_hash=$(sha256sum "$REQ" | cut -d' ' -f1)
if [[ -x $VENV/bin/pyhanko && -f $VENV/.requirements.sha256 && "$(cat "$VENV/.requirements.sha256")" == "$req_hash" ]]; then
  say "venv up to date: $VENV ($("$VENV/bin/pyhanko" --version))"
else
  say "creating venv $VENV with $("$PY" --version) and installing tests/requirements.txt"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --disable-pip-version-check -q -r "$REQ"
  echo "$req_hash" > "$VENV/.requirements.sha256"
  say "installed $("$VENV/bin/pyhanko" --version)"
fi

# ---- Rust target for the WASM build of the verification path ----
if command -v rustup > /dev/null; then
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rust target wasm32-unknown-unknown present"
  else
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
else
  say "WARNING: rustup not found; cannot add wasm32-unknown-unknown"
fi
# ---- Extra tools of individual test suites (bindings, rendering, …): tests/setup.d/*.sh ----
for extra in "$HERE"/setup.d/*.sh; do
  [[ -e $extra ]] || continue
  say "running ${extra#"$HERE"/}"
  bash "$extra"
done
say "done"
