/*
 * Tests of the kyso C ABI, run under AddressSanitizer (leaks included) by tests/run.d/40-bindings.sh:
 *
 *   kyso_test SIGNED.pdf PLAIN.pdf ROOT.pem P12 P12_PASSWORD PKCS11_MODULE CHAIN.pem
 *
 * SIGNED.pdf was signed by `kyso sign`; the token "kyso-test" (key "ca-nhan", PIN 1234) is found through
 * SOFTHSM2_CONF. Prints one line per check and exits non-zero if any failed.
 */
#include "kyso.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond, ...)                                                                   \
  do {                                                                                     \
    checks++;                                                                              \
    if (cond) {                                                                            \
      printf("ok   ");                                                                     \
    } else {                                                                               \
      printf("FAIL ");                                                                     \
      failures++;                                                                          \
    }                                                                                      \
    printf(__VA_ARGS__);                                                                   \
    printf("\n");                                                                          \
  } while (0)

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    perror(path);
    exit(2);
  }
  buf[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* Append s to out as a JSON string literal (with quotes). */
static void json_string(char *out, size_t cap, const char *s) {
  size_t n = strlen(out);
  out[n++] = '"';
  for (; *s && n + 8 < cap; s++) {
    if (*s == '"' || *s == '\\') {
      out[n++] = '\\';
      out[n++] = *s;
    } else if (*s == '\n') {
      out[n++] = '\\';
      out[n++] = 'n';
    } else if ((unsigned char)*s >= 0x20) {
      out[n++] = *s;
    }
  }
  out[n++] = '"';
  out[n] = 0;
}

/* `{"signer":{"p12":{"path":P12,"password":PASSWORD}}` into out (the caller closes the object). */
static void p12_signer(char *out, size_t cap, const char *p12, const char *password) {
  snprintf(out, cap, "{\"signer\":{\"p12\":{\"path\":");
  json_string(out, cap, p12);
  strcat(out, ",\"password\":");
  json_string(out, cap, password);
  strcat(out, "}}");
}

static int contains(const kyso_buffer *b, const char *needle) {
  /* Text buffers are NUL-terminated just past their length. */
  const char *text = (const char *)kyso_buffer_data(b);
  return text && text[kyso_buffer_len(b)] == 0 && strstr(text, needle) != NULL;
}

/* Verify; returns the code, and the report in *out (caller frees). */
static int32_t verify(const unsigned char *pdf, size_t len, const char *options, kyso_buffer **out) {
  kyso_error *err = NULL;
  int32_t code = kyso_verify_pdf(pdf, len, options, out, &err);
  if (code != KYSO_OK) {
    printf("     (error %d: %s)\n", kyso_error_code(err), kyso_error_message(err));
  }
  kyso_error_free(err);
  return code;
}

struct thread_job {
  const unsigned char *pdf;
  size_t len;
  const char *options;
  int ok;
};

static void *verify_thread(void *arg) {
  struct thread_job *job = arg;
  job->ok = 1;
  for (int i = 0; i < 3; i++) {
    kyso_buffer *report = NULL;
    if (verify(job->pdf, job->len, job->options, &report) != KYSO_OK || !contains(report, "\"verdict\":\"VALID\"")) {
      job->ok = 0;
    }
    kyso_buffer_free(report);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s SIGNED.pdf PLAIN.pdf ROOT.pem P12 P12_PASSWORD PKCS11_MODULE CHAIN.pem\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *signed_path = argv[1], *plain_path = argv[2], *root_path = argv[3];
  const char *p12 = argv[4], *p12_password = argv[5], *module = argv[6], *chain = argv[7];
  size_t signed_len, plain_len, root_len;
  unsigned char *signed_pdf = read_file(signed_path, &signed_len);
  unsigned char *plain_pdf = read_file(plain_path, &plain_len);
  char *root_pem = (char *)read_file(root_path, &root_len);

  /* ---- version ---- */
  CHECK(kyso_abi_version() == KYSO_ABI_VERSION, "kyso_abi_version() == %u", KYSO_ABI_VERSION);
  CHECK(kyso_version() != NULL && strlen(kyso_version()) > 0, "kyso_version() = %s", kyso_version());

  /* ---- verify: trust as a path, and as PEM text ---- */
  static char opts_path[4096], opts_pem[16384];
  snprintf(opts_path, sizeof opts_path, "{\"revocation\":\"off\",\"trust\":[");
  json_string(opts_path, sizeof opts_path, root_path);
  strcat(opts_path, "]}");
  snprintf(opts_pem, sizeof opts_pem, "{\"revocation\":\"off\",\"trust\":[");
  json_string(opts_pem, sizeof opts_pem, root_pem);
  strcat(opts_pem, "]}");

  kyso_buffer *report = NULL;
  int32_t code = verify(signed_pdf, signed_len, opts_path, &report);
  CHECK(code == KYSO_OK, "verify signed PDF (trust path) returns KYSO_OK (%d)", code);
  CHECK(contains(report, "\"schema\":\"kyso.report/1\""), "report has schema kyso.report/1");
  CHECK(contains(report, "\"verdict\":\"VALID\""), "signed PDF verdict VALID");
  CHECK(contains(report, "\"indication\":\"TOTAL_PASSED\""), "signature TOTAL_PASSED");
  CHECK(contains(report, "REVOCATION_SKIPPED"), "revocation off is reported as a reason");
  kyso_buffer_free(report);

  report = NULL;
  code = verify(signed_pdf, signed_len, opts_pem, &report);
  CHECK(code == KYSO_OK && contains(report, "\"verdict\":\"VALID\""), "verify with trust as PEM text: VALID");
  kyso_buffer_free(report);

  /* Without trust anchors the chain is not found: a report, not an error. */
  report = NULL;
  code = verify(signed_pdf, signed_len, "{\"revocation\":\"off\"}", &report);
  CHECK(code == KYSO_OK && !contains(report, "\"verdict\":\"VALID\""), "no trust anchors: report, verdict not VALID");
  kyso_buffer_free(report);

  /* Tampered: change the page's /MediaBox (inside the first signed range). */
  unsigned char *tampered = malloc(signed_len);
  memcpy(tampered, signed_pdf, signed_len);
  static const char media_box[] = "/MediaBox [ 0 0 595 842 ]";
  size_t at = 0;
  for (size_t i = 0; i + sizeof media_box - 1 <= signed_len; i++) {
    if (memcmp(tampered + i, media_box, sizeof media_box - 1) == 0) {
      at = i + sizeof media_box - 4; /* the last digit of 842 */
      break;
    }
  }
  CHECK(at != 0, "found the /MediaBox to tamper with");
  tampered[at] = '3';
  report = NULL;
  code = verify(tampered, signed_len, opts_path, &report);
  CHECK(code == KYSO_OK, "verify tampered PDF returns KYSO_OK (a report)");
  CHECK(contains(report, "\"verdict\":\"INVALID\""), "tampered PDF verdict INVALID");
  CHECK(contains(report, "HASH_FAILURE"), "tampered PDF sub-indication HASH_FAILURE");
  kyso_buffer_free(report);

  /* ---- the refusal notice of the tampered PDF; none for the VALID one ---- */
  kyso_buffer *notice_pdf = NULL, *notice_json = NULL;
  kyso_error *notice_err = NULL;
  code = kyso_refusal_notice(tampered, signed_len, opts_path,
                             "{\"file_name\":\"c\u00f4ng v\u0103n.pdf\",\"sender\":\"UBND x\u00e3 A\"}",
                             &notice_pdf, &notice_json, &notice_err);
  CHECK(code == KYSO_OK && notice_pdf != NULL && kyso_buffer_len(notice_pdf) > 1000
          && memcmp(kyso_buffer_data(notice_pdf), "%PDF-", 5) == 0,
        "kyso_refusal_notice(tampered) -> a PDF notice (%d)", code);
  CHECK(contains(notice_json, "\"schema\":\"kyso.refusal/1\"") && contains(notice_json, "HASH_FAILURE"),
        "the notice's JSON names the failure (HASH_FAILURE)");
  kyso_buffer_free(notice_pdf);
  kyso_buffer_free(notice_json);
  kyso_error_free(notice_err);
  notice_pdf = notice_json = NULL;
  notice_err = NULL;
  code = kyso_refusal_notice(signed_pdf, signed_len, opts_path, "{}", &notice_pdf, NULL, &notice_err);
  CHECK(code == KYSO_ERR_INVALID_OPTIONS && notice_pdf == NULL && notice_err != NULL,
        "kyso_refusal_notice(VALID) -> KYSO_ERR_INVALID_OPTIONS, no notice");
  kyso_error_free(notice_err);
  free(tampered);

  /* ---- two-step signing: prepared with the certificate alone, signed by openssl, finished ---- */
  {
    char pki_dir[4096];
    snprintf(pki_dir, sizeof pki_dir, "%s", root_path);
    /* The directory of ROOT.pem, '/' or (under Wine) '\\' separated. */
    char *slash = strrchr(pki_dir, '/');
    char *backslash = strrchr(pki_dir, '\\');
    if (backslash > slash) slash = backslash;
    if (slash) *slash = '\0';
    char cert_path[4200], key_path[4200];
    snprintf(cert_path, sizeof cert_path, "%s/ca-nhan.pem", pki_dir);
    snprintf(key_path, sizeof key_path, "%s/ca-nhan.key.pem", pki_dir);
    static char prep_opts[8192];
    snprintf(prep_opts, sizeof prep_opts, "{\"signer\":{\"external\":{\"certificate\":");
    json_string(prep_opts, sizeof prep_opts, cert_path);
    strcat(prep_opts, "}},\"chain\":[");
    json_string(prep_opts, sizeof prep_opts, chain);
    strcat(prep_opts, "]}");
    kyso_buffer *prepared = NULL, *info = NULL;
    kyso_error *prep_err = NULL;
    code = kyso_sign_prepare(plain_pdf, plain_len, prep_opts, &prepared, &info, &prep_err);
    CHECK(code == KYSO_OK && prepared != NULL && info != NULL, "kyso_sign_prepare -> prepared file and JSON (%d)", code);
    /* The base64 to_be_signed, decoded and signed by openssl (the key "elsewhere"). */
    char *tbs = NULL;
    if (info) {
      const char *j = (const char *)kyso_buffer_data(info);
      size_t n = kyso_buffer_len(info);
      const char *key = "\"to_be_signed\":\"";
      const char *start = NULL;
      for (size_t i = 0; i + strlen(key) < n; i++) {
        if (memcmp(j + i, key, strlen(key)) == 0) { start = j + i + strlen(key); break; }
      }
      if (start) {
        const char *end = memchr(start, '"', (size_t)(j + n - start));
        if (end) { tbs = calloc(1, (size_t)(end - start) + 1); memcpy(tbs, start, (size_t)(end - start)); }
      }
    }
    CHECK(tbs != NULL, "the JSON carries to_be_signed");
#ifndef _WIN32
    /* Scratch files beside SIGNED.pdf (the suite's output directory). */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", signed_path);
    char *dir_end = strrchr(dir, '/');
    char *dir_back = strrchr(dir, '\\');
    if (dir_back > dir_end) dir_end = dir_back;
    if (dir_end) *dir_end = '\0'; else snprintf(dir, sizeof dir, ".");
    char b64_path[4200], der_path[4200], sig_path[4200], cmd[40000];
    snprintf(b64_path, sizeof b64_path, "%s/c-tbs.b64", dir);
    snprintf(der_path, sizeof der_path, "%s/c-tbs.der", dir);
    snprintf(sig_path, sizeof sig_path, "%s/c-sig.bin", dir);
    FILE *f = fopen(b64_path, "w");
    if (f && tbs) { fputs(tbs, f); }
    if (f) fclose(f);
    snprintf(cmd, sizeof cmd, "openssl base64 -d -A -in '%s' -out '%s' && openssl dgst -sha256 -sign '%s' -out '%s' '%s'",
             b64_path, der_path, key_path, sig_path, der_path);
    CHECK(system(cmd) == 0, "openssl signed what kyso_sign_prepare asked for");
    size_t sig_len = 0;
    unsigned char *sig = read_file(sig_path, &sig_len);
    kyso_buffer *finished = NULL;
    kyso_error *fin_err = NULL;
    code = kyso_sign_finish(kyso_buffer_data(prepared), kyso_buffer_len(prepared), sig, sig_len, "{}", &finished, &fin_err);
    CHECK(code == KYSO_OK && finished != NULL, "kyso_sign_finish -> the signed file (%d)", code);
    report = NULL;
    if (finished) code = verify(kyso_buffer_data(finished), kyso_buffer_len(finished), opts_path, &report);
    CHECK(report != NULL && contains(report, "\"verdict\":\"VALID\""), "the two-step signature verifies VALID");
    kyso_buffer_free(report);
#else
    /* Under Wine there is no openssl to sign with: the valid round trip is the Linux run's; here
       a value that is not the key's is refused. */
    size_t sig_len = 256;
    unsigned char *sig = calloc(1, sig_len);
    kyso_buffer *finished = NULL;
    kyso_error *fin_err = NULL;
    printf("skip the external signature with %s under Windows (no openssl): the Linux run signs\n", key_path);
#endif
    /* A damaged value: refused with 5012, nothing returned. */
    sig[sig_len / 2] ^= 1;
    kyso_buffer *refused = NULL;
    kyso_error *bad_err = NULL;
    code = kyso_sign_finish(kyso_buffer_data(prepared), kyso_buffer_len(prepared), sig, sig_len, "{}", &refused, &bad_err);
    CHECK(code == 5012 && refused == NULL && bad_err != NULL && kyso_error_code(bad_err) == 5012,
          "kyso_sign_finish with a damaged value -> 5012, no output (%d)", code);
    kyso_error_free(bad_err);
    kyso_error_free(fin_err);
    kyso_error_free(prep_err);
    kyso_buffer_free(finished);
    kyso_buffer_free(prepared);
    kyso_buffer_free(info);
    free(sig);
    free(tbs);
  }

  /* ---- concurrent verification from 4 threads ---- */
  pthread_t threads[4];
  struct thread_job jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (struct thread_job){signed_pdf, signed_len, opts_path, 0};
    pthread_create(&threads[i], NULL, verify_thread, &jobs[i]);
  }
  int all_ok = 1;
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    all_ok &= jobs[i].ok;
  }
  CHECK(all_ok, "4 threads x 3 concurrent verifications: all VALID");

  /* ---- token list ---- */
  kyso_buffer *tokens = NULL;
  kyso_error *err = NULL;
  code = kyso_token_list(module, &tokens, &err);
  CHECK(code == KYSO_OK && contains(tokens, "\"label\":\"kyso-test\""), "kyso_token_list finds token kyso-test (%d)", code);
  /* The test signers end on 2030-01-01: far enough for no expiry warning. */
  CHECK(code == KYSO_OK && contains(tokens, "\"certificate_state\":\"valid\"")
          && contains(tokens, "\"certificate_not_after\":\"2030-01-01T00:00:00Z\""),
        "kyso_token_list gives each certificate's end and state");
  if (err) printf("     (error %d: %s)\n", kyso_error_code(err), kyso_error_message(err));
  kyso_buffer_free(tokens);
  kyso_error_free(err);

  /* ---- certificate inventory of the tokens, at a time when the test signers are due ---- */
  static char inv_opts[2048];
  snprintf(inv_opts, sizeof inv_opts, "{\"pkcs11_module\":");
  json_string(inv_opts, sizeof inv_opts, module);
  strcat(inv_opts, ",\"pin\":\"1234\",\"unit\":\"S\xe1\xbb\x9f KH&CN\",\"at\":\"2029-12-20T00:00:00Z\"");
  kyso_buffer *inv = NULL;
  err = NULL;
  static char inv_json[2100];
  snprintf(inv_json, sizeof inv_json, "%s}", inv_opts);
  code = kyso_certificate_inventory(inv_json, &inv, &err);
  CHECK(code == KYSO_OK && contains(inv, "\"schema\":\"kyso.inventory/1\"") &&
            contains(inv, "\"total\":3,\"valid\":0,\"expiring_soon\":3") && contains(inv, "CERT_EXPIRING_SOON"),
        "kyso_certificate_inventory: 3 token certificates, all expiring soon on 2029-12-20 (%d)", code);
  kyso_buffer_free(inv);
  kyso_error_free(err);
  snprintf(inv_json, sizeof inv_json, "%s,\"format\":\"csv\"}", inv_opts);
  inv = NULL;
  err = NULL;
  code = kyso_certificate_inventory(inv_json, &inv, &err);
  CHECK(code == KYSO_OK && kyso_buffer_len(inv) > 3 && memcmp(kyso_buffer_data(inv), "\xef\xbb\xbf", 3) == 0 &&
            contains(inv, "s\xe1\xba\xafp h\xe1\xba\xbft h\xe1\xba\xa1n / expiring soon"),
        "kyso_certificate_inventory as CSV (BOM, states in Vietnamese and English)");
  kyso_buffer_free(inv);
  kyso_error_free(err);
  inv = NULL;
  err = NULL;
  code = kyso_certificate_inventory("{\"format\":\"xlsx\"}", &inv, &err);
  CHECK(code == KYSO_ERR_INVALID_OPTIONS && inv == NULL, "kyso_certificate_inventory(bad format) -> 7001 (%d)", code);
  kyso_error_free(err);

  /* ---- sign through SoftHSM, then verify the result ---- */
  static char sign_opts[4096];
  snprintf(sign_opts, sizeof sign_opts, "{\"signer\":{\"pkcs11\":{\"module\":");
  json_string(sign_opts, sizeof sign_opts, module);
  strcat(sign_opts, ",\"token\":\"kyso-test\",\"key_label\":\"ca-nhan\",\"pin\":\"1234\"}},"
                    "\"level\":\"B-B\",\"reason\":\"Ph\xc3\xaa duy\xe1\xbb\x87t (C ABI)\",\"location\":\"H\xc3\xa0 N\xe1\xbb\x99i\","
                    "\"field\":\"ChuKyC\",\"chain\":[");
  json_string(sign_opts, sizeof sign_opts, chain);
  strcat(sign_opts, "]}");
  kyso_buffer *signed_out = NULL;
  err = NULL;
  code = kyso_sign_pdf(plain_pdf, plain_len, sign_opts, &signed_out, &err);
  CHECK(code == KYSO_OK && err == NULL, "kyso_sign_pdf through SoftHSM returns KYSO_OK (%d)", code);
  if (err) printf("     (error %d: %s)\n", kyso_error_code(err), kyso_error_message(err));
  kyso_error_free(err);
  CHECK(kyso_buffer_len(signed_out) > plain_len && memcmp(kyso_buffer_data(signed_out), plain_pdf, plain_len) == 0,
        "signed PDF extends the input (incremental update)");
  report = NULL;
  code = verify(kyso_buffer_data(signed_out), kyso_buffer_len(signed_out), opts_path, &report);
  CHECK(code == KYSO_OK && contains(report, "\"verdict\":\"VALID\"") && contains(report, "\"field\":\"ChuKyC\""),
        "the token-signed PDF verifies VALID, field ChuKyC");
  kyso_buffer_free(report);
  if (getenv("KYSO_C_TEST_OUT")) {
    FILE *f = fopen(getenv("KYSO_C_TEST_OUT"), "wb");
    if (f) {
      fwrite(kyso_buffer_data(signed_out), 1, kyso_buffer_len(signed_out), f);
      fclose(f);
    }
  }
  kyso_buffer_free(signed_out);

  /* ---- sign with a PKCS#12 file ---- */
  static char p12_opts[4096];
  p12_signer(p12_opts, sizeof p12_opts, p12, p12_password);
  strcat(p12_opts, ",\"sub_filter\":\"adbe.pkcs7.detached\"}");
  signed_out = NULL;
  code = kyso_sign_pdf(plain_pdf, plain_len, p12_opts, &signed_out, NULL);
  CHECK(code == KYSO_OK, "kyso_sign_pdf with a PKCS#12 file, adbe.pkcs7.detached (%d)", code);
  report = NULL;
  code = verify(kyso_buffer_data(signed_out), kyso_buffer_len(signed_out), opts_path, &report);
  CHECK(code == KYSO_OK && contains(report, "\"verdict\":\"VALID\""), "the PKCS#12-signed PDF verifies VALID");
  kyso_buffer_free(report);
  kyso_buffer_free(signed_out);

  /* ---- long-term validation: sign (PKCS#12, CAdES), then kyso_ltv_add offline with the test PKI's CRLs
   * (found next to ROOT.pem), then verify with revocation "embedded": the DSS alone decides ---- */
  {
    char pki_dir[2048], ca_crl[2200], root_crl[2200];
    snprintf(pki_dir, sizeof pki_dir, "%s", root_path);
    char *slash = strrchr(pki_dir, '/');
    char *backslash = strrchr(pki_dir, '\\'); /* a Windows path (the suite under Wine) */
    if (backslash && (!slash || backslash > slash)) slash = backslash;
    if (slash) {
      *slash = 0;
    } else {
      snprintf(pki_dir, sizeof pki_dir, ".");
    }
    snprintf(ca_crl, sizeof ca_crl, "%s/ca-g2.crl.pem", pki_dir);
    snprintf(root_crl, sizeof root_crl, "%s/root-g2.crl.der", pki_dir);
    static char ltv_opts[8192], cades_opts[4096], embedded_opts[4096];
    snprintf(ltv_opts, sizeof ltv_opts, "{\"offline\":true,\"crls\":[");
    json_string(ltv_opts, sizeof ltv_opts, ca_crl);
    strcat(ltv_opts, ",");
    json_string(ltv_opts, sizeof ltv_opts, root_crl);
    strcat(ltv_opts, "]}");
    p12_signer(cades_opts, sizeof cades_opts, p12, p12_password);
    strcat(cades_opts, ",\"field\":\"ChuKyLTV\"}");
    snprintf(embedded_opts, sizeof embedded_opts, "{\"revocation\":\"embedded\",\"trust\":[");
    json_string(embedded_opts, sizeof embedded_opts, root_path);
    strcat(embedded_opts, "]}");

    kyso_buffer *signed_b = NULL;
    err = NULL;
    code = kyso_sign_pdf(plain_pdf, plain_len, cades_opts, &signed_b, &err);
    CHECK(code == KYSO_OK, "kyso_sign_pdf with a PKCS#12 file for LTV (%d: %s)", code, err ? kyso_error_message(err) : "");
    kyso_error_free(err);
    err = NULL;
    const unsigned char *sdata = kyso_buffer_data(signed_b);
    size_t slen = kyso_buffer_len(signed_b);

    report = NULL;
    code = verify(sdata, slen, embedded_opts, &report);
    CHECK(code == KYSO_OK && !contains(report, "\"verdict\":\"VALID\""),
          "before kyso_ltv_add, revocation \"embedded\" has no data: not VALID");
    kyso_buffer_free(report);

    kyso_buffer *ltv_pdf = NULL, *summary = NULL;
    code = kyso_ltv_add(sdata, slen, ltv_opts, &ltv_pdf, &summary, &err);
    CHECK(code == KYSO_OK && err == NULL && ltv_pdf != NULL && summary != NULL, "kyso_ltv_add with 2 CRLs returns KYSO_OK (%d: %s)",
          code, err ? kyso_error_message(err) : "");
    kyso_error_free(err);
    err = NULL;
    CHECK(kyso_buffer_len(ltv_pdf) > slen && memcmp(kyso_buffer_data(ltv_pdf), sdata, slen) == 0,
          "the augmented PDF extends the signed one (incremental update)");
    const char *crls = summary ? strstr((const char *)kyso_buffer_data(summary), "\"crls\":") : NULL;
    CHECK(contains(summary, "\"signatures\":1") && crls != NULL && atoi(crls + 7) >= 2 &&
              contains(summary, "\"document_timestamp\":null"),
          "summary: %s", summary ? (const char *)kyso_buffer_data(summary) : "(none)");
    report = NULL;
    code = verify(kyso_buffer_data(ltv_pdf), kyso_buffer_len(ltv_pdf), embedded_opts, &report);
    CHECK(code == KYSO_OK && contains(report, "\"verdict\":\"VALID\"") && contains(report, "\"field\":\"ChuKyLTV\""),
          "after kyso_ltv_add, revocation \"embedded\": VALID");
    CHECK(contains(report, "\"origin\":\"embedded\"") && !contains(report, "\"origin\":\"fetched\""),
          "the revocation entries come from the embedded data (\"origin\":\"embedded\")");
    kyso_buffer_free(report);

    /* Again on the augmented file: the DSS has everything already; the summary may be left out. */
    kyso_buffer *again = NULL;
    code = kyso_ltv_add(kyso_buffer_data(ltv_pdf), kyso_buffer_len(ltv_pdf), ltv_opts, &again, NULL, NULL);
    CHECK(code == KYSO_OK && kyso_buffer_len(again) >= kyso_buffer_len(ltv_pdf) &&
              memcmp(kyso_buffer_data(again), kyso_buffer_data(ltv_pdf), kyso_buffer_len(ltv_pdf)) == 0,
          "kyso_ltv_add again, summary_json_out NULL: OK, still an extension (%zu -> %zu bytes)", kyso_buffer_len(ltv_pdf),
          kyso_buffer_len(again));
    kyso_buffer_free(again);

    /* Misuse: codes, both outputs NULL, nothing leaked. */
    kyso_buffer *o1 = (kyso_buffer *)0x1, *o2 = (kyso_buffer *)0x1;
    code = kyso_ltv_add(NULL, slen, ltv_opts, &o1, &o2, &err);
    CHECK(code == KYSO_ERR_NULL_ARGUMENT && o1 == NULL && o2 == NULL && kyso_error_code(err) == code,
          "kyso_ltv_add(NULL pdf) -> KYSO_ERR_NULL_ARGUMENT, outputs NULL (%d: %s)", code, kyso_error_message(err));
    kyso_error_free(err);
    err = NULL;
    o1 = o2 = (kyso_buffer *)0x1;
    code = kyso_ltv_add(sdata, slen, "{\"crls\": [", &o1, &o2, &err);
    CHECK(code == KYSO_ERR_INVALID_OPTIONS && o1 == NULL && o2 == NULL,
          "kyso_ltv_add(bad JSON) -> KYSO_ERR_INVALID_OPTIONS (%d: %s)", code, kyso_error_message(err));
    kyso_error_free(err);
    err = NULL;
    code = kyso_ltv_add(sdata, slen, "{\"crl\":[]}", &o1, &o2, &err);
    CHECK(code == KYSO_ERR_INVALID_OPTIONS && err != NULL && strstr(kyso_error_message(err), "unknown field") != NULL,
          "kyso_ltv_add(unknown key) -> KYSO_ERR_INVALID_OPTIONS (%d: %s)", code, kyso_error_message(err));
    kyso_error_free(err);
    err = NULL;
    code = kyso_ltv_add(sdata, slen, "{\"crls\":[\"/nonexistent/x.crl\"]}", &o1, &o2, &err);
    CHECK(code != KYSO_OK && o1 == NULL && o2 == NULL, "kyso_ltv_add(missing CRL file) -> error %d: %s", code,
          kyso_error_message(err));
    kyso_error_free(err);
    err = NULL;
    /* A requested level is a promise: offline with no data, B-LT is not reached. */
    code = kyso_ltv_add(sdata, slen, "{\"offline\":true}", &o1, &o2, &err);
    CHECK(code == KYSO_ERR_LEVEL_NOT_REACHED && o1 == NULL && o2 == NULL && err != NULL &&
              strstr(kyso_error_message(err), "B-LT") != NULL,
          "kyso_ltv_add(offline, no data) -> KYSO_ERR_LEVEL_NOT_REACHED, outputs NULL (%d: %s)", code,
          err ? kyso_error_message(err) : "");
    kyso_error_free(err);
    err = NULL;
    code = kyso_ltv_add(sdata, slen, "{}", NULL, &o2, &err);
    CHECK(code == KYSO_ERR_NULL_ARGUMENT && o2 == NULL, "kyso_ltv_add(NULL pdf_out) -> KYSO_ERR_NULL_ARGUMENT (%d)", code);
    kyso_error_free(err);
    err = NULL;
    code = kyso_ltv_add((const uint8_t *)"garbage", 7, "{}", &o1, &o2, &err);
    CHECK(code != KYSO_OK && o1 == NULL && o2 == NULL, "kyso_ltv_add(not a PDF) -> error %d", code);
    kyso_error_free(err);
    err = NULL;
    /* Nothing listens on the discard port: the TSA is unavailable (5201), after the DSS was prepared. */
    code = kyso_ltv_add(sdata, slen, "{\"tsa\":\"http://127.0.0.1:9/tsa\"}", &o1, &o2, &err);
    CHECK(code == 5201 && o1 == NULL && o2 == NULL, "kyso_ltv_add with an unreachable TSA -> 5201 (%d: %s)", code,
          kyso_error_message(err));
    kyso_error_free(err);
    err = NULL;

    kyso_buffer_free(summary);
    kyso_buffer_free(ltv_pdf);
    kyso_buffer_free(signed_b);
  }

  /* ---- a Decree 30 profile through the same JSON: an attachment block (text, top right) ----
   * An attachment is the organisation's signature: with the person's certificate it is refused before
   * anything is signed (5004, the Decree 68 rule's reason); with the organisation's certificate (to-chuc.p12,
   * beside ROOT.pem) it is signed and the role travels in the signature. */
  static char org_p12[4096];
  {
    snprintf(org_p12, sizeof org_p12, "%s", root_path);
    char *slash = strrchr(org_p12, '/');
    char *backslash = strrchr(org_p12, '\\'); /* a Windows path (the suite under Wine) */
    if (backslash > slash) slash = backslash;
    if (slash) slash[1] = '\0'; else org_p12[0] = '\0';
    strcat(org_p12, "to-chuc.p12");
  }
  static char profile_opts[4096];
  p12_signer(profile_opts, sizeof profile_opts, p12, p12_password);
  strcat(profile_opts, ",\"profile\":\"attachment\",\"doc_number\":\"125/QĐ-UBND\"}");
  signed_out = NULL;
  code = kyso_sign_pdf(plain_pdf, plain_len, profile_opts, &signed_out, &err);
  CHECK(code == 5004 && signed_out == NULL && err && strstr(kyso_error_message(err), "PROFILE_ROLE_CERTIFICATE"),
        "kyso_sign_pdf attachment with a personal certificate -> 5004 PROFILE_ROLE_CERTIFICATE (%d: %s)", code,
        err ? kyso_error_message(err) : "");
  kyso_error_free(err);
  err = NULL;
  p12_signer(profile_opts, sizeof profile_opts, org_p12, p12_password);
  strcat(profile_opts, ",\"profile\":\"attachment\",\"doc_number\":\"125/QĐ-UBND\"}");
  code = kyso_sign_pdf(plain_pdf, plain_len, profile_opts, &signed_out, &err);
  CHECK(code == KYSO_OK, "kyso_sign_pdf with profile attachment, organisation certificate (%d: %s)", code,
        err ? kyso_error_message(err) : "");
  kyso_error_free(err);
  err = NULL;
  report = NULL;
  if (signed_out) {
    code = verify(kyso_buffer_data(signed_out), kyso_buffer_len(signed_out), opts_path, &report);
    CHECK(code == KYSO_OK && contains(report, "\"role\":\"attachment\"") &&
              !contains(report, "PROFILE_ROLE_CERTIFICATE") && !contains(report, "\"policy\":\"failed\""),
          "attachment signed with the organisation's certificate: role reported, in scope");
  }
  kyso_buffer_free(report);
  kyso_buffer_free(signed_out);

  /* ---- kyso_sign_pdf_with_result: a seal PNG without pHYs is drawn at the default size, with a warning ----
   * A 4x4 red RGBA PNG without a pHYs chunk, written next to SIGNED.pdf; approval first (the seal goes over
   * it), then the seal placed automatically with the organisation's key: only the warnings are checked. */
  {
    static const unsigned char seal_png[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x08, 0x06, 0x00, 0x00, 0x00, 0xa9, 0xf1, 0x9e, 0x7e, 0x00, 0x00, 0x00,
        0x12, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xb8, 0xc5, 0xc0, 0xf0, 0x1f, 0x19, 0x33, 0x90, 0x2e, 0x00,
        0x00, 0xea, 0x19, 0x1d, 0x91, 0x00, 0x5e, 0xe4, 0x6a, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
        0x42, 0x60, 0x82};
    static char png_path[4096], approval_opts[8192], seal_opts[8192];
    snprintf(png_path, sizeof png_path, "%s.seal-nophys.png", signed_path);
    FILE *f = fopen(png_path, "wb");
    CHECK(f && fwrite(seal_png, 1, sizeof seal_png, f) == sizeof seal_png && fclose(f) == 0,
          "write a PNG without pHYs");
    p12_signer(approval_opts, sizeof approval_opts, p12, p12_password);
    strcat(approval_opts, ",\"image\":");
    json_string(approval_opts, sizeof approval_opts, png_path);
    strcat(approval_opts, ",\"profile\":\"approval\",\"rect\":\"350,150,150,60\"}");
    p12_signer(seal_opts, sizeof seal_opts, org_p12, p12_password);
    strcat(seal_opts, ",\"image\":");
    json_string(seal_opts, sizeof seal_opts, png_path);
    strcat(seal_opts, ",\"profile\":\"issuance\"}");
    kyso_buffer *approved = NULL, *sealed = NULL, *result = NULL;
    code = kyso_sign_pdf_with_result(plain_pdf, plain_len, approval_opts, &approved, &result, &err);
    CHECK(code == KYSO_OK && contains(result, "\"field\":\"Signature1\"") && contains(result, "\"warnings\":[]"),
          "kyso_sign_pdf_with_result (approval): field, no warnings (%d: %s)", code, err ? kyso_error_message(err) : "");
    kyso_error_free(err);
    err = NULL;
    kyso_buffer_free(result);
    result = NULL;
    if (approved) {
      code = kyso_sign_pdf_with_result(kyso_buffer_data(approved), kyso_buffer_len(approved), seal_opts, &sealed,
                                       &result, &err);
      CHECK(code == KYSO_OK && contains(result, "\"code\":\"SEAL_SIZE_ASSUMED\"") &&
                contains(result, "\"severity\":\"warning\"") && contains(result, "36 mm"),
            "kyso_sign_pdf_with_result (issuance, PNG without pHYs): signed, warning SEAL_SIZE_ASSUMED (%d: %s)", code,
            err ? kyso_error_message(err) : "");
      kyso_error_free(err);
      err = NULL;
      kyso_buffer_free(result);
      result = NULL;
      kyso_buffer_free(sealed);
      sealed = NULL;
      /* The result is optional. */
      code = kyso_sign_pdf_with_result(kyso_buffer_data(approved), kyso_buffer_len(approved), seal_opts, &sealed,
                                       NULL, NULL);
      CHECK(code == KYSO_OK && sealed != NULL, "kyso_sign_pdf_with_result without a result pointer (%d)", code);
      kyso_buffer_free(sealed);
    }
    kyso_buffer_free(approved);
    remove(png_path);
  }

  /* ---- certificate verification on its own ---- */
  {
    size_t ca_len = 0;
    unsigned char *ca = read_file(chain, &ca_len);
    static char opts_any[4200];
    snprintf(opts_any, sizeof opts_any, "{\"purpose\":\"any\",%s", opts_path + 1);
    report = NULL;
    code = kyso_verify_certificate(ca, ca_len, opts_any, &report, NULL);
    CHECK(code == KYSO_OK && contains(report, "\"status\":\"VALID\"") && contains(report, "\"path\":["),
          "kyso_verify_certificate (purpose any): the issuing CA chains to the root: VALID");
    kyso_buffer_free(report);
    report = NULL;
    code = kyso_verify_certificate(ca, ca_len, opts_path, &report, NULL);
    CHECK(code == KYSO_OK && contains(report, "\"status\":\"INVALID\"") && contains(report, "KEY_USAGE_NOT_FOR_SIGNING"),
          "kyso_verify_certificate (document signing, the default): a CA key may not sign documents");
    kyso_buffer_free(report);
    report = NULL;
    code = kyso_verify_certificate(ca, ca_len, "{\"revocation\":\"off\"}", &report, NULL);
    CHECK(code == KYSO_OK && contains(report, "NO_CERTIFICATE_CHAIN_FOUND"),
          "kyso_verify_certificate without trust anchors: NO_CERTIFICATE_CHAIN_FOUND");
    kyso_buffer_free(report);
    report = NULL;
    report = NULL;
    code = kyso_inspect_certificate(ca, ca_len, &report, NULL);
    CHECK(code == KYSO_OK && contains(report, "\"ca\":true") && contains(report, "\"may_sign_documents\":false")
          && contains(report, "keyCertSign"),
          "kyso_inspect_certificate: the issuing CA is a CA and may not sign documents");
    kyso_buffer_free(report);
    report = NULL;
    code = kyso_inspect_certificate((const uint8_t *)"garbage", 7, &report, &err);
    CHECK(code != KYSO_OK && report == NULL && err != NULL, "kyso_inspect_certificate on garbage: error %d", code);
    kyso_error_free(err);
    err = NULL;
    report = NULL;
    code = kyso_verify_certificate((const uint8_t *)"garbage", 7, opts_path, &report, &err);
    CHECK(code != KYSO_OK && report == NULL && err != NULL, "kyso_verify_certificate on garbage: error %d", code);
    kyso_error_free(err);
    err = NULL;
    free(ca);
  }

  /* ---- misuse: error codes, no crash, nothing leaked ---- */
  kyso_buffer *out = (kyso_buffer *)0x1; /* must be overwritten with NULL */
  err = NULL;
  code = kyso_verify_pdf(NULL, 10, "{}", &out, &err);
  CHECK(code == KYSO_ERR_NULL_ARGUMENT && out == NULL && kyso_error_code(err) == code && kyso_error_message(err) != NULL,
        "NULL pdf -> KYSO_ERR_NULL_ARGUMENT (%d: %s)", code, kyso_error_message(err));
  kyso_error_free(err);

  code = kyso_verify_pdf(signed_pdf, signed_len, NULL, &out, &err);
  CHECK(code == KYSO_ERR_NULL_ARGUMENT, "NULL options -> KYSO_ERR_NULL_ARGUMENT (%d)", code);
  kyso_error_free(err);

  code = kyso_verify_pdf(signed_pdf, signed_len, "{}", NULL, &err);
  CHECK(code == KYSO_ERR_NULL_ARGUMENT, "NULL output pointer -> KYSO_ERR_NULL_ARGUMENT (%d)", code);
  kyso_error_free(err);

  code = kyso_verify_pdf(signed_pdf, signed_len, "{\"trust\": [", &out, &err);
  CHECK(code == KYSO_ERR_INVALID_OPTIONS && out == NULL, "bad JSON -> KYSO_ERR_INVALID_OPTIONS (%d: %s)", code,
        kyso_error_message(err));
  kyso_error_free(err);

  code = kyso_verify_pdf(signed_pdf, signed_len, "{\"revocation\":\"sometimes\"}", &out, &err);
  CHECK(code == KYSO_ERR_INVALID_OPTIONS, "bad revocation value -> KYSO_ERR_INVALID_OPTIONS (%d)", code);
  kyso_error_free(err);

  code = kyso_verify_pdf(signed_pdf, signed_len, "{\"trust\":[\"\xff\xfe\"]}", &out, &err);
  CHECK(code != KYSO_OK, "invalid UTF-8 in options -> error (%d)", code);
  kyso_error_free(err);

  code = kyso_verify_pdf(signed_pdf, 100, opts_path, &out, &err);
  CHECK(code != KYSO_OK && out == NULL && err != NULL, "PDF truncated to 100 bytes -> error %d: %s", code,
        kyso_error_message(err));
  kyso_error_free(err);

  /* Cut inside the signature: the tolerant parser repairs the cross-reference table, so this is a report
     (never VALID) or an error, never a crash. */
  code = kyso_verify_pdf(signed_pdf, signed_len / 2, opts_path, &out, &err);
  CHECK((code == KYSO_OK && out != NULL && !contains(out, "\"verdict\":\"VALID\"")) || (code != KYSO_OK && out == NULL),
        "PDF truncated to half -> code %d, not VALID", code);
  kyso_buffer_free(out);
  kyso_error_free(err);

  code = kyso_verify_pdf((const unsigned char *)"", 0, "{}", &out, NULL);
  CHECK(code != KYSO_OK && out == NULL, "empty PDF, no error_out -> error %d", code);

  code = kyso_sign_pdf(plain_pdf, plain_len, "{\"signer\":{\"p12\":{\"path\":\"x.p12\"}},\"level\":\"B-LTA\"}", &out, &err);
  CHECK(code == KYSO_ERR_UNSUPPORTED, "signing level B-LTA -> KYSO_ERR_UNSUPPORTED (%d: %s)", code, kyso_error_message(err));
  kyso_error_free(err);

  code = kyso_sign_pdf(plain_pdf, plain_len, "{\"signer\":{}}", &out, &err);
  CHECK(code == KYSO_ERR_INVALID_OPTIONS, "signing without a key -> KYSO_ERR_INVALID_OPTIONS (%d)", code);
  kyso_error_free(err);

  code = kyso_sign_pdf(plain_pdf, plain_len, "{\"signer\":{\"p12\":{\"path\":\"/nonexistent/x.p12\"}}}", &out, &err);
  CHECK(code != KYSO_OK && out == NULL, "missing PKCS#12 file -> error %d: %s", code, kyso_error_message(err));
  kyso_error_free(err);

  code = kyso_token_list(NULL, &out, &err);
  CHECK(code == KYSO_ERR_NULL_ARGUMENT, "kyso_token_list(NULL) -> KYSO_ERR_NULL_ARGUMENT (%d)", code);
  kyso_error_free(err);

  code = kyso_token_list("/nonexistent/module.so", &out, &err);
  CHECK(code != KYSO_OK && out == NULL, "kyso_token_list(missing module) -> error %d", code);
  kyso_error_free(err);

  /* The VGCA Sign Service operations with VGCA's JSON: SignAppendix writes OutputFileName. */
  {
    char out_path[4096], request[8192], options[4096];
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(out_path, sizeof out_path, "%s/kyso-c-vgca-%d.pdf", tmp, (int)getpid());
    remove(out_path);
    snprintf(request, sizeof request, "{\"FileName\":");
    json_string(request, sizeof request, plain_path);
    strcat(request, ",\"DocNumber\":\"125/QĐ-UBND\",\"OutputFileName\":");
    json_string(request, sizeof request, out_path);
    strcat(request, "}");
    p12_signer(options, sizeof options, p12, p12_password);
    strcat(options, "}");
    kyso_buffer *reply = NULL;
    err = NULL;
    code = kyso_vgca("SignAppendix", request, options, &reply, &err);
    FILE *written = fopen(out_path, "rb");
    CHECK(code == KYSO_OK && contains(reply, "\"Status\":0") && contains(reply, "\"DocumentNumber\":\"125/QĐ-UBND\"") &&
              written != NULL,
          "kyso_vgca(SignAppendix) -> Status 0, the signed file written (%d: %s)", code,
          reply ? (const char *)kyso_buffer_data(reply) : "");
    if (written) fclose(written);
    remove(out_path);
    kyso_buffer_free(reply);
    kyso_error_free(err);
    reply = NULL;
    err = NULL;
    code = kyso_vgca("SignIncome", request, options, &reply, &err);
    CHECK(code == KYSO_OK && !contains(reply, "\"Status\":0") && contains(reply, "\"ErrorCode\":7001") &&
              contains(reply, "Không thực hiện được"),
          "kyso_vgca(SignIncome without its fields) -> a reply with a non-zero Status and 7001 (%s)",
          reply ? (const char *)kyso_buffer_data(reply) : "");
    kyso_buffer_free(reply);
    kyso_error_free(err);
    reply = NULL;
    err = NULL;
    code = kyso_vgca(NULL, request, options, &reply, &err);
    CHECK(code == KYSO_ERR_NULL_ARGUMENT && reply == NULL, "kyso_vgca(NULL operation) -> KYSO_ERR_NULL_ARGUMENT");
    kyso_error_free(err);
    err = NULL;
  }

  kyso_buffer_free(NULL);
  kyso_error_free(NULL);
  CHECK(kyso_buffer_data(NULL) == NULL && kyso_buffer_len(NULL) == 0 && kyso_error_message(NULL) == NULL &&
            kyso_error_code(NULL) == KYSO_ERR_NULL_ARGUMENT,
        "accessors and _free accept NULL");

  free(signed_pdf);
  free(plain_pdf);
  free(root_pem);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
