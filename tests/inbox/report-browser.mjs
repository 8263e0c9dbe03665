// The inbox report of `kyso verify DIR --html REPORT.html` in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core from bindings/wasm/tools), opened from its file:
// it must load with no request at all besides itself and no script error, show every document
// with its verdict, sort failures first on a click, and its screenshot is kept as
// docs/inbox-report.png.
//   node tests/inbox/report-browser.mjs REPORT.html EXPECTED_ROWS [SCREENSHOT.png]
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const require = createRequire(join(root, "bindings", "wasm", "tools", "package.json"));
const { chromium } = require("playwright-core");
const [report, expected, shot] = process.argv.slice(2);
assert.ok(report && expected, "usage: node report-browser.mjs REPORT.html EXPECTED_ROWS");
const url = pathToFileURL(resolve(report)).href;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`); if (!ok) failures++; };
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: "vi-VN" });
  const requests = [];
  const errors = [];
  page.on("request", (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });
  const rows = await page.$$eval("#inbox tbody tr", (trs) => trs.map((tr) => tr.querySelector("td.v").innerText));
  check(rows.length === Number(expected), `${rows.length} documents shown (${expected} expected)`);
  check(rows.some((v) => v.includes("HỢP LỆ") && v.includes("VALID") && !v.includes("INVALID")), "a VALID document");
  check(rows.some((v) => v.includes("KHÔNG HỢP LỆ")), "an INVALID document");
  await page.click("#by-verdict");
  const first = await page.$eval("#inbox tbody tr", (tr) => tr.dataset.verdict);
  check(first === "0", `sorted by verdict: the first row is INVALID (verdict rank ${first})`);
  const colours = await page.$$eval("td.v", (tds) => [...new Set(tds.map((td) => getComputedStyle(td).backgroundColor))]);
  check(colours.length >= 2, `verdicts in colour (${colours.join(", ")})`);
  await page.screenshot({ path: shot || join(root, "docs", "inbox-report.png"), fullPage: true });
  check(requests.length === 0, `no request besides the page itself (${requests.join(", ") || "none"})`);
  check(errors.length === 0, `no page errors (${errors.join("; ") || "none"})`);
} finally {
  await browser.close();
}
if (failures) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log(`inbox report test passed; screenshot: ${shot || "docs/inbox-report.png"}`);
