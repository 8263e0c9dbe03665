// Node tests of the WASM verifier bound with `wasm-bindgen --target nodejs` (tests/run.d/40-bindings.sh):
//   KYSO_WASM_NODE_PKG=… KYSO_BINDINGS_OUT=… KYSO_TEST_ROOT_PEM=… KYSO_TEST_AT=… node --test bindings/wasm/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through tests/run.d/40-bindings.sh)`);
  return value;
};
const pkg = env("KYSO_WASM_NODE_PKG");
const out = env("KYSO_BINDINGS_OUT");
const rootPem = readFileSync(env("KYSO_TEST_ROOT_PEM"), "utf8");
const at = env("KYSO_TEST_AT");
const kyso = createRequire(import.meta.url)(join(pkg, "kyso_wasm.js"));
const pdf = (name) => new Uint8Array(readFileSync(join(out, name)));

test("version", () => {
  assert.match(kyso.version(), /^\d+\.\d+\.\d+/);
});

test("a kyso-signed PDF is VALID (the report goes to the parity check)", () => {
  const options = { trust: [rootPem], revocation: "off", at };
  const report = kyso.verifyPdf(pdf("signed.pdf"), options);
  assert.equal(report.schema, "kyso.report/1");
  assert.equal(report.verdict, "VALID");
  assert.equal(report.signatures.length, 1);
  const sig = report.signatures[0];
  assert.equal(sig.indication, "TOTAL_PASSED");
  assert.ok(sig.signer.common_name, "signer common name present");
  assert.ok(sig.reasons.some((r) => r.code === "REVOCATION_SKIPPED" && r.vi), "revocation skipped, in Vietnamese");
  writeFileSync(join(out, "parity", "wasm-signed.json"), JSON.stringify(report) + "\n");
});

test("a tampered PDF is INVALID, with a HASH_FAILURE reason", () => {
  const report = kyso.verifyPdf(pdf("tampered.pdf"), JSON.stringify({ trust: [rootPem], revocation: "off", at }));
  assert.equal(report.verdict, "INVALID");
  assert.equal(report.signatures[0].indication, "TOTAL_FAILED");
  assert.ok(report.signatures[0].reasons.some((r) => r.code === "HASH_FAILURE" && r.severity === "error" && r.vi));
  writeFileSync(join(out, "parity", "wasm-tampered.json"), JSON.stringify(report) + "\n");
});

test("a scan is read without its images' data, and a byte changed inside an image is still found", () => {
  const options = { trust: [rootPem], revocation: "off", at };
  assert.equal(kyso.verifyPdf(pdf("scan-signed.pdf"), options).verdict, "VALID");
  const report = kyso.verifyPdf(pdf("scan-image-tampered.pdf"), options);
  assert.equal(report.verdict, "INVALID");
  assert.ok(report.signatures[0].reasons.some((r) => r.code === "HASH_FAILURE"));
});

test("the Government CA's roots are built in: a real government PDF chains with no options", (t) => {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, "../../../../shared/corpora/vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf");
  if (!existsSync(file)) return t.skip("no ../shared/corpora beside the repository");
  const bytes = new Uint8Array(readFileSync(file));
  const at = "2025-01-08T00:00:00Z";
  const byDefault = kyso.verifyPdf(bytes, { at });
  assert.notEqual(byDefault.signatures[0].sub_indication, "NO_CERTIFICATE_CHAIN_FOUND");
  assert.deepEqual(
    kyso.verifyPdf(bytes, { at, trust: "builtin" }).signatures[0].sub_indication,
    byDefault.signatures[0].sub_indication,
  );
  const none = kyso.verifyPdf(bytes, { at, builtin_trust: false });
  assert.equal(none.signatures[0].sub_indication, "NO_CERTIFICATE_CHAIN_FOUND");
});

test("defaults: now from Date.now(), revocation embedded, the built-in roots only", () => {
  const report = kyso.verifyPdf(pdf("signed.pdf"));
  assert.equal(report.revocation, "embedded");
  assert.notEqual(report.verdict, "VALID");
  const t = Date.parse(report.validation_time);
  assert.ok(Math.abs(t - Date.now()) < 120_000, `validation time ${report.validation_time} is now`);
});

test("inspectPdf lists the signature without verifying", () => {
  const info = kyso.inspectPdf(pdf("signed.pdf"));
  assert.equal(info.signatures.length, 1);
  assert.equal(info.signatures[0].sub_filter, "ETSI.CAdES.detached");
  assert.equal(info.signatures[0].coverage, "entire_file");
  assert.equal(info.revisions, 2);
});

test("errors are JS Errors with a code", () => {
  const bad = (f, code) => {
    assert.throws(f, (e) => e instanceof Error && e.code === code && e.message.length > 0);
  };
  bad(() => kyso.verifyPdf(pdf("signed.pdf"), { trust: ["/etc/ssl/root.pem"] }), 7001); // paths: no file system
  bad(() => kyso.verifyPdf(pdf("signed.pdf"), { revocation: "sometimes" }), 7001);
  bad(() => kyso.verifyPdf(pdf("signed.pdf"), { colour: "red" }), 7001);
  bad(() => kyso.verifyPdf(pdf("signed.pdf"), "{"), 7001);
  bad(() => kyso.verifyPdf(pdf("signed.pdf").subarray(0, 100), {}), 1001);
  bad(() => kyso.inspectPdf(new Uint8Array(0)), 1001);
});

test("an edXML package is verified: header, XML signature and the attached PDF", () => {
  const options = { trust: [rootPem], revocation: "off", at };
  const report = kyso.verifyEdxml(pdf("package.edxml"), options);
  assert.equal(report.schema, "kyso.edxml/1");
  assert.equal(report.verdict, "VALID");
  assert.equal(report.signature.status, "valid");
  assert.equal(report.header.from.id, "H21");
  assert.equal(report.attachments[0].report.verdict, "VALID");
  const altered = kyso.verifyEdxml(pdf("package-tampered.edxml"), options);
  assert.equal(altered.verdict, "INVALID");
  assert.ok(altered.signature.reasons.some((r) => r.code === "EDXML_SIGNATURE_INVALID"));
  assert.throws(() => kyso.verifyEdxml(new TextEncoder().encode("not a package"), options), (e) => e.code === 8002);
});
