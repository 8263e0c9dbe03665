#!/usr/bin/env bash
# Build the WASM verifier:
#   bash bindings/wasm/build.sh OUT_DIR
# -> OUT_DIR/web     (wasm-bindgen --target web: ES module for browsers, with kyso_wasm.d.ts)
#    OUT_DIR/nodejs  (wasm-bindgen --target nodejs: CommonJS for Node services)
# The module is built with the size-optimised profile `wasm-release` (Cargo.toml) and shrunk with wasm-opt -Oz
# from binaryen (bindings/wasm/tools, installed by tests/setup.d/40-bindings.sh). Honours CARGO_TARGET_DIR.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:?usage: build.sh OUT_DIR}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WASM_OPT=$HERE/tools/node_modules/.bin/wasm-opt

cd "$ROOT"
cargo build -q -p kyso-wasm --target wasm32-unknown-unknown --profile wasm-release
RAW=$TARGET/wasm32-unknown-unknown/wasm-release/kyso_wasm.wasm
for target in web nodejs; do
  rm -rf "${OUT:?}/$target"
  wasm-bindgen --target "$target" --out-dir "$OUT/$target" "$RAW"
  # Shrink in place; wasm-bindgen's JS glue does not depend on the function bodies.
  "$WASM_OPT" -Oz --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$OUT/$target/kyso_wasm_bg.wasm" -o "$OUT/$target/kyso_wasm_bg.wasm"
done
echo "raw $(stat -c %s "$RAW") bytes; after wasm-bindgen + wasm-opt -Oz: $(stat -c %s "$OUT/web/kyso_wasm_bg.wasm") bytes"
