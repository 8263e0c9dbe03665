#!/usr/bin/env bash
# Tools of the bindings suite (tests/run.d/40-bindings.sh), installed only when missing:
#   - Debian: a JDK (javac), libjna-java, mono-mcs (C# compiler + runtime), chromium (the C tests use gcc's
#     AddressSanitizer, which comes with gcc), and node/npm when missing;
#   - cargo: cbindgen 0.29.4 (header generation), wasm-bindgen-cli 0.2.130 (must equal the wasm-bindgen crate);
#   - npm (in bindings/wasm/tools, lockfile without download addresses): playwright-core, binaryen (wasm-opt).
# Quick when everything is present. Needs root for apt-get (CI runs as root).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
say() { echo "setup(bindings): $*"; }

# ---- Debian packages ----
pkgs=(libjna-java mono-mcs chromium)
command -v javac > /dev/null || pkgs+=(default-jdk-headless)
command -v npm > /dev/null || pkgs+=(nodejs npm)
# shellcheck source=../lib/debian.sh
source "$ROOT/tests/lib/debian.sh"
debian_packages bindings "${pkgs[@]}"

# ---- cargo-installed tools, pinned ----
cargo_tool() { # binary version install-args...
  local bin=$1 ver=$2; shift 2
  if command -v "$bin" > /dev/null && "$bin" --version 2>/dev/null | grep -q " $ver\$"; then
    say "$bin $ver present"
  else
    say "installing $bin $ver (cargo install, a few minutes)"
    # Its own target dir, so that a CARGO_TARGET_DIR set for the workspace is not filled with tool builds.
    CARGO_TARGET_DIR=${TMPDIR:-/tmp}/kyso-cargo-install cargo install -q "$@"
  fi
}
cargo_tool cbindgen 0.29.4 cbindgen --version 0.29.4 --locked
# No --locked: one locked dependency of 0.2.130 is missing from the registry.
cargo_tool wasm-bindgen 0.2.130 wasm-bindgen-cli --version 0.2.130

# ---- npm tools (exact versions in package.json, lockfile committed) ----
TOOLS=$ROOT/bindings/wasm/tools
if [[ -x $TOOLS/node_modules/.bin/wasm-opt && -d $TOOLS/node_modules/playwright-core \
      && $TOOLS/node_modules/.package-lock.json -nt $TOOLS/package-lock.json ]]; then
  say "npm tools present in $TOOLS"
else
  say "installing npm tools in $TOOLS"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
fi
say "done"
