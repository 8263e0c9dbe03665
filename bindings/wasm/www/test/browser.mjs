// End-to-end test of the verification page in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core from bindings/wasm/tools). Serves bindings/wasm/www (with www/pkg built by
// bindings/wasm/build.sh) from a static server on 127.0.0.1, loads a kyso-signed PDF and a tampered one,
// checks the statuses shown, checks that no request left the loopback origin, and saves a screenshot
// as bindings/wasm/www/screenshot.png.
//   KYSO_BINDINGS_OUT=… KYSO_TEST_ROOT_PEM=… node bindings/wasm/www/test/browser.mjs
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const www = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(www, "..", "tools", "package.json"));
const { chromium } = require("playwright-core");
const out = process.env.KYSO_BINDINGS_OUT;
const rootPem = process.env.KYSO_TEST_ROOT_PEM;
assert.ok(out && rootPem, "KYSO_BINDINGS_OUT and KYSO_TEST_ROOT_PEM must be set");

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".png": "image/png", ".ts": "text/plain" };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname));
  const file = join(www, path.endsWith("/") ? path + "index.html" : path);
  if (!file.startsWith(www)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`); if (!ok) failures++; };
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, locale: "vi-VN" });
  const foreign = [];
  const errors = [];
  page.on("request", (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${origin}/index.html`);
  await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });
  check(true, `page loaded, ${await page.textContent("#version")}`);

  await page.setInputFiles("#trust", rootPem);
  await page.check("#no-revocation");
  await page.setInputFiles("#pdf", [join(out, "tampered.pdf"), join(out, "signed.pdf")]);
  await page.waitForSelector("body[data-done='2']", { timeout: 60_000 });

  const signed = page.locator("article[data-file='signed.pdf']");
  const tampered = page.locator("article[data-file='tampered.pdf']");
  check(await signed.getAttribute("data-verdict") === "VALID", "signed.pdf shown as VALID");
  check((await signed.locator(".badge.verdict").textContent()) === "Hợp lệ", "signed.pdf badge reads 'Hợp lệ'");
  const green = await signed.locator(".badge.verdict").evaluate((e) => getComputedStyle(e).backgroundColor);
  check(green === "rgb(30, 142, 62)", `signed.pdf badge is green (${green})`);
  check((await signed.locator(".sig dd").first().textContent()).length > 0, "signer name shown");
  check(await tampered.getAttribute("data-verdict") === "INVALID", "tampered.pdf shown as INVALID");
  check((await tampered.locator(".badge.verdict").textContent()) === "Không hợp lệ", "tampered.pdf badge reads 'Không hợp lệ'");
  const red = await tampered.locator(".badge.verdict").evaluate((e) => getComputedStyle(e).backgroundColor);
  check(red === "rgb(197, 34, 31)", `tampered.pdf badge is red (${red})`);
  check(await tampered.locator(".reasons li[data-code='HASH_FAILURE']").count() > 0, "tampered.pdf lists a HASH_FAILURE reason");
  const reason = await tampered.locator(".reasons li[data-code='HASH_FAILURE']").first().textContent();
  check(/thay đổi/.test(reason), `reason in Vietnamese: "${reason}"`);
  check(foreign.length === 0, `no request left ${origin} (${foreign.join(", ") || "none"})`);
  check(errors.length === 0, `no page errors (${errors.join("; ") || "none"})`);

  await page.screenshot({ path: join(www, "screenshot.png"), fullPage: true });
  console.log(`screenshot: ${join(www, "screenshot.png")}`);
} finally {
  await browser.close();
  server.close();
}
console.log(failures ? `${failures} failed` : "browser test passed");
process.exit(failures ? 1 : 0);
