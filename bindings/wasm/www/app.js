// The verification page: everything runs here, in the browser, with the kyso WASM module (./pkg, built by
// bindings/wasm/build.sh with wasm-bindgen --target web). No network access besides loading the module.
import init, { verifyPdf, version } from "./pkg/kyso_wasm.js";

const $ = (id) => document.getElementById(id);
const VERDICT_VI = {
  VALID: "Hợp lệ",
  INVALID: "Không hợp lệ",
  INDETERMINATE: "Chưa xác định được",
  NO_SIGNATURES: "Không có chữ ký",
};
const INDICATION_VI = {
  TOTAL_PASSED: "Chữ ký hợp lệ",
  TOTAL_FAILED: "Chữ ký không hợp lệ",
  INDETERMINATE: "Chưa xác định được",
};
const SOURCE_VI = { timestamp: "dấu thời gian", signed_attribute: "thuộc tính đã ký", pdf: "khai báo trong PDF" };

const trust = { anchors: [], intermediates: [] };
let certificatesLoading = Promise.resolve();

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// PEM text as is; DER certificates wrapped into PEM.
async function certificateText(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  if (text.includes("-----BEGIN")) return text;
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  const b64 = btoa(bin).replace(/.{64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

async function loadCertificates(input, list) {
  list.length = 0;
  for (const f of input.files) list.push(await certificateText(f));
  showTrustStatus();
}

// The anchors sent with each file: the built-in Government CA roots ("builtin") when ticked,
// plus any loaded; none at all when unticked and nothing loaded.
function trustOptions() {
  const builtin = $("builtin-trust").checked;
  if (!trust.anchors.length) return builtin ? {} : { builtin_trust: false };
  return { trust: builtin ? ["builtin", ...trust.anchors] : trust.anchors };
}

function showTrustStatus() {
  const parts = [];
  if ($("builtin-trust").checked) parts.push("chứng thư gốc G1, G2 tích hợp sẵn của Ban Cơ yếu Chính phủ");
  if (trust.anchors.length) parts.push(`${trust.anchors.length} chứng thư gốc đã nạp`);
  if (trust.intermediates.length) parts.push(`${trust.intermediates.length} chứng thư trung gian`);
  $("trust-status").textContent = parts.length && (trust.anchors.length || $("builtin-trust").checked)
    ? `Tin cậy: ${parts.join(", ")}.`
    : "Chưa có chứng thư gốc: chuỗi tin cậy sẽ không được xác nhận.";
}

function formatTime(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false }) + " (giờ Việt Nam)";
}

function signatureCard(sig) {
  const signer = sig.signer || {};
  const time = sig.signing_time
    ? `${formatTime(sig.signing_time.value)} — theo ${SOURCE_VI[sig.signing_time.source] || sig.signing_time.source}`
    : "không rõ";
  const rows = [
    ["Người ký", signer.common_name || "không rõ"],
    ["Cơ quan, tổ chức", signer.organization || "—"],
    ["Chức danh", signer.title || "—"],
    ["Thời điểm ký", time],
    ["Trường chữ ký", `${sig.field} (${sig.level})`],
  ];
  const dl = el("dl");
  for (const [k, v] of rows) dl.append(el("dt", {}, k), el("dd", {}, v));
  const reasons = el("ul", { class: "reasons" });
  for (const r of sig.reasons || []) {
    reasons.append(el("li", { class: r.severity, title: r.en, "data-code": r.code }, r.vi));
  }
  return el(
    "div",
    { class: "sig", "data-indication": sig.indication },
    el("span", { class: `badge ${sig.indication}` }, INDICATION_VI[sig.indication] || sig.indication),
    sig.sub_indication ? el("span", { class: "muted" }, `  ${sig.sub_indication}`) : null,
    dl,
    reasons,
  );
}

async function verifyFile(file) {
  const card = el("article", { class: "file", "data-file": file.name, "data-verdict": "PENDING" }, el("h2", {}, file.name));
  $("results").prepend(card);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const report = verifyPdf(bytes, {
      ...trustOptions(),
      intermediates: trust.intermediates,
      revocation: $("no-revocation").checked ? "off" : "embedded",
      file_name: file.name,
    });
    card.dataset.verdict = report.verdict;
    card.append(
      el("p", {}, el("span", { class: `badge verdict ${report.verdict}` }, VERDICT_VI[report.verdict] || report.verdict),
        el("span", { class: "muted" }, `  ${report.signatures.length} chữ ký · kiểm tra lúc ${formatTime(report.validation_time)}`)),
    );
    for (const sig of report.signatures) card.append(signatureCard(sig));
  } catch (e) {
    card.dataset.verdict = "ERROR";
    card.append(el("p", { class: "error-box" }, `Không đọc được tệp (mã lỗi ${e.code ?? "?"}): ${e.message}`));
  }
}

async function verifyFiles(files) {
  await certificatesLoading;
  for (const f of files) await verifyFile(f);
  document.body.dataset.done = String(Number(document.body.dataset.done || 0) + files.length);
}

await init();
$("version").textContent = `kyso ${version()}`;
$("builtin-trust").addEventListener("change", showTrustStatus);
$("trust").addEventListener("change", () => {
  certificatesLoading = loadCertificates($("trust"), trust.anchors);
});
$("intermediates").addEventListener("change", () => {
  certificatesLoading = loadCertificates($("intermediates"), trust.intermediates);
});
$("pdf").addEventListener("change", () => verifyFiles([...$("pdf").files]));
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  verifyFiles([...e.dataTransfer.files].filter((f) => f.name.toLowerCase().endsWith(".pdf") || f.type === "application/pdf"));
});
document.body.dataset.ready = "1";
