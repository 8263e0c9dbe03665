// The WASM verifier in Node, for tests/bench/compare.sh (the "wasm" tool):
//   node tests/bench/wasm-verify.mjs PKG FILE.pdf ROOT.pem   verify FILE with ROOT as the only trust anchor,
//                                                             no revocation; exit 0 only if the verdict is VALID
//   node tests/bench/wasm-verify.mjs --noop PKG              load the package and stop (Node's and the
//                                                             module's start-up, subtracted for adjusted ratios)
// PKG: a `wasm-bindgen --target nodejs` build (bindings/wasm/build.sh OUT makes OUT/nodejs) with kyso_wasm.js.
// Prints one line: the verdict and the number of signatures.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const usage = () => {
  process.stderr.write("usage: node wasm-verify.mjs PKG FILE.pdf ROOT.pem | node wasm-verify.mjs --noop PKG\n");
  process.exit(2);
};
const args = process.argv.slice(2);
const load = (pkg) => createRequire(import.meta.url)(join(resolve(pkg), "kyso_wasm.js"));

if (args[0] === "--noop") {
  if (args.length !== 2) usage();
  const kyso = load(args[1]);
  if (typeof kyso.verifyPdf !== "function") {
    process.stderr.write(`wasm-verify: ${args[1]} has no verifyPdf\n`);
    process.exit(1);
  }
  process.exit(0);
}
if (args.length !== 3) usage();
const [pkg, file, rootPemPath] = args;
const kyso = load(pkg);
const rootPem = readFileSync(rootPemPath, "utf8");
let report;
try {
  report = kyso.verifyPdf(new Uint8Array(readFileSync(file)), { trust: [rootPem], revocation: "off" });
} catch (e) {
  process.stderr.write(`wasm-verify: ${file}: error ${e && e.code !== undefined ? e.code + " " : ""}${e && e.message ? e.message : e}\n`);
  process.exit(1);
}
const signatures = Array.isArray(report.signatures) ? report.signatures.length : 0;
console.log(`${report.verdict} ${signatures} signature(s)`);
if (report.verdict !== "VALID") {
  for (const sig of report.signatures || []) {
    for (const r of sig.reasons || []) process.stderr.write(`  ${sig.field}: ${r.code}: ${r.en}\n`);
  }
  process.exit(1);
}
