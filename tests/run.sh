#!/usr/bin/env bash
# The project's test command; it first runs tests/setup.sh (quick when everything is installed).
#
#   bash tests/run.sh
#
# 1. builds the test PKI, SoftHSM tokens and PDF fixtures into tests/work/ (each step is skipped when its
#    output is up to date);
# 2. exports what the Rust tests read:
#      KYSO_TEST_WORK      absolute path of tests/work (pki/, softhsm/, pdf/ inside: see tests/pki/README.md)
#      SOFTHSM2_CONF       tests/work/softhsm/softhsm2.conf (tokens kyso-test and kyso-nocert, user PIN 1234)
#      KYSO_PKCS11_MODULE  /usr/lib/softhsm/libsofthsm2.so
#      KYSO_PYHANKO        tests/.venv/bin/pyhanko
# 3. runs fmt, clippy, the workspace tests, a wasm32 check of the verification path, rustdoc, and the
#    interop tests against pyHanko and pdfsig (tests/interop/run-interop.sh, which prints "N passed, M failed").
# Stops at the first failing step.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=$ROOT/tests/work
step() { echo; echo "==== $* ===="; }

step "tools (tests/setup.sh)"
bash tests/setup.sh

step "test data in $WORK"
bash tests/pki/make-pki.sh "$WORK/pki"
# A plain assignment, so that a failure stops the script (eval "$(...)" would hide it).
token_env=$(bash tests/softhsm/setup-token.sh "$WORK/softhsm" "$WORK/pki")
eval "$token_env"
export SOFTHSM2_CONF
bash tests/fixtures/make-pdfs.sh "$WORK/pdf" "$WORK/pki"

export KYSO_TEST_WORK=$WORK
export KYSO_PKCS11_MODULE=${KYSO_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
export KYSO_PYHANKO=$ROOT/tests/.venv/bin/pyhanko
echo "KYSO_TEST_WORK=$KYSO_TEST_WORK"
echo "SOFTHSM2_CONF=$SOFTHSM2_CONF"
echo "KYSO_PKCS11_MODULE=$KYSO_PKCS11_MODULE"
echo "KYSO_PYHANKO=$KYSO_PYHANKO"

step "cargo fmt"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

# (cargo check: the bindings suite builds and runs the WASM module itself.)
step "wasm32 check of the verification path and of the facade without pkcs11 and net"
cargo check -p kyso-verify -p kyso-policy -p kyso-pdf --target wasm32-unknown-unknown
cargo check -p kyso --no-default-features --target wasm32-unknown-unknown

step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

step "interop (pyHanko, pdfsig)"
bash tests/interop/run-interop.sh

# Further suites (bindings, rendering, revocation services…), each a script in tests/run.d/, run in name
# order with the environment above.
for suite in tests/run.d/*.sh; do
  [[ -e $suite ]] || continue
  step "suite $suite"
  bash "$suite"
done
