// No abort on any input: 1,000 mutated signed PDFs through the Node build of the WASM verifier.
// In WebAssembly a Rust panic aborts (a `RuntimeError: unreachable`, and the instance is left
// unusable), so every call must return a report or throw an `Error` carrying a numeric `code`.
// The mutations are seeded (reproducible): bit flips, overwritten runs, truncations, inserted and
// duplicated chunks, and edits of the numbers that structure a PDF (offsets, lengths, /ByteRange).
//   KYSO_WASM_NODE_PKG=… KYSO_BINDINGS_OUT=… KYSO_TEST_ROOT_PEM=… KYSO_TEST_AT=… node --test bindings/wasm/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

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
const options = { trust: [rootPem], revocation: "off", at };

// mulberry32: a small seeded PRNG, so a failing case can be replayed from its index.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Offsets of ASCII digit runs: the numbers a PDF's structure hangs on.
function digitRuns(bytes) {
  const runs = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x30 && bytes[i] <= 0x39 && (i === 0 || bytes[i - 1] < 0x30 || bytes[i - 1] > 0x39)) {
      let j = i;
      while (j < bytes.length && bytes[j] >= 0x30 && bytes[j] <= 0x39) j++;
      runs.push([i, j]);
    }
  }
  return runs;
}

function mutate(base, runs, rnd) {
  const int = (n) => Math.floor(rnd() * n);
  let b = Uint8Array.from(base);
  const steps = 1 + int(4);
  for (let s = 0; s < steps; s++) {
    switch (int(6)) {
      case 0: // flip bits
        for (let k = 0, n = 1 + int(8); k < n; k++) b[int(b.length)] ^= 1 << int(8);
        break;
      case 1: { // overwrite a run with random bytes
        const at = int(b.length), len = 1 + int(64);
        for (let k = at; k < Math.min(b.length, at + len); k++) b[k] = int(256);
        break;
      }
      case 2: // truncate
        b = b.slice(0, int(b.length));
        break;
      case 3: { // insert random bytes
        const at = int(b.length + 1), ins = Uint8Array.from({ length: 1 + int(32) }, () => int(256));
        b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
        break;
      }
      case 4: { // duplicate a chunk somewhere else
        const from = int(b.length), len = 1 + int(512), to = int(b.length + 1);
        const chunk = b.slice(from, Math.min(b.length, from + len));
        b = Uint8Array.from([...b.subarray(0, to), ...chunk, ...b.subarray(to)]);
        break;
      }
      default: { // change a structural number (offset, length, /ByteRange, object number)
        if (runs.length === 0) break;
        const [i, j] = runs[int(runs.length)];
        if (j > b.length) break;
        const choices = ["0", "1", "9", "4294967295", "99999999999999999999", "-1", String(int(1 << 30))];
        const text = choices[int(choices.length)];
        b = Uint8Array.from([...b.subarray(0, i), ...Buffer.from(text), ...b.subarray(j)]);
        break;
      }
    }
  }
  return b;
}

test("1,000 mutated signed PDFs: a report or an Error with a code, never an abort", () => {
  const bases = ["signed.pdf", "tampered.pdf"].map((n) => new Uint8Array(readFileSync(join(out, n))));
  const runs = bases.map(digitRuns);
  const rnd = prng(0x6b79736f); // "kyso"
  const tally = { reports: 0, errors: 0, valid: 0 };
  for (let i = 0; i < 1000; i++) {
    const k = i % bases.length;
    const input = mutate(bases[k], runs[k], rnd);
    let report;
    try {
      report = kyso.verifyPdf(input, options);
    } catch (e) {
      if (!(e instanceof Error) || typeof e.code !== "number") {
        writeFileSync(join(out, `wasm-abort-${i}.pdf`), input);
        assert.fail(`mutation ${i}: ${e && e.name}: ${e && e.message} (input kept as wasm-abort-${i}.pdf)`);
      }
      tally.errors++;
      continue;
    }
    assert.equal(report.schema, "kyso.report/1", `mutation ${i}`);
    assert.ok(["VALID", "INVALID", "INDETERMINATE", "NO_SIGNATURES"].includes(report.verdict), `mutation ${i}`);
    tally.reports++;
    if (report.verdict === "VALID") {
      // Kept for review. A mutation can leave everything the signature covers as it was: a
      // space in the /Contents padding, or bytes of the embedded copy of the root certificate
      // (unsigned, and unused: the configured anchor is what counts) — both seen here.
      writeFileSync(join(out, `wasm-valid-${i}.pdf`), input);
      tally.valid++;
    }
  }
  // The instance still works after all that.
  assert.equal(kyso.verifyPdf(bases[0], options).verdict, "VALID");
  console.log(`mutations: ${tally.reports} reports (${tally.valid} VALID), ${tally.errors} errors with a code`);
});

test("online revocation is refused in WebAssembly, not silently downgraded", () => {
  assert.throws(
    () => kyso.verifyPdf(new Uint8Array(readFileSync(join(out, "signed.pdf"))), { revocation: "online" }),
    (e) => e instanceof Error && e.code === 7001 && /online/.test(e.message),
  );
});
