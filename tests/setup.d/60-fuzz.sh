#!/usr/bin/env bash
# Tools of the fuzzing smoke (tests/run.d/60-fuzz.sh), installed only when missing:
#   - the nightly Rust toolchain (minimal profile): cargo-fuzz needs -Zsanitizer;
#   - cargo-fuzz (cargo install --locked, about 3 minutes).
set -euo pipefail

say() { echo "setup(fuzz): $*"; }

if ! command -v rustup > /dev/null; then
  say "WARNING: rustup not found; cannot install the nightly toolchain"
  exit 0
fi
if rustup run nightly rustc --version > /dev/null 2>&1; then
  say "nightly toolchain present ($(rustup run nightly rustc --version))"
else
  say "installing the nightly toolchain (minimal profile)"
  rustup toolchain install nightly --profile minimal
fi
if command -v cargo-fuzz > /dev/null && cargo fuzz --version > /dev/null 2>&1; then
  say "cargo-fuzz present ($(cargo fuzz --version))"
else
  say "installing cargo-fuzz (cargo install --locked, a few minutes)"
  # Its own target dir, so that a CARGO_TARGET_DIR set for the workspace is not filled with tool builds.
  CARGO_TARGET_DIR=${TMPDIR:-/tmp}/kyso-cargo-install cargo install -q cargo-fuzz --locked
fi
say "done"
