package vn.kyso;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * kyso for Java: verify and sign PDF documents through the C ABI.
 *
 * <pre>{@code
 * String report = Kyso.verifyPdf(Files.readAllBytes(path),
 *         "{\"trust\":[\"/etc/kyso/root-g2.pem\"],\"revocation\":\"embedded\"}");
 * }</pre>
 *
 * Options and the report are the JSON objects of the C ABI and the CLI ({@code kyso.report/1}). Every
 * method is thread-safe.
 */
public final class Kyso {
    private Kyso() {}

    /** The native library's version, e.g. "0.1.0". */
    public static String version() {
        return KysoNative.INSTANCE.kyso_version();
    }

    /** The native library's ABI version (1). */
    public static int abiVersion() {
        return KysoNative.INSTANCE.kyso_abi_version();
    }

    /** Verify a PDF; returns the {@code kyso.report/1} JSON whatever the verdict. */
    public static String verifyPdf(byte[] pdf, String optionsJson) throws KysoException {
        try (KysoBuffer report = call((out, err) -> KysoNative.INSTANCE.kyso_verify_pdf(pdf,
                new KysoNative.SizeT(pdf == null ? 0 : pdf.length), optionsJson, out, err))) {
            return report.text();
        }
    }

    /**
     * Two-step signing, first step, for a key that signs elsewhere (a remote signing service, a phone, another
     * system's HSM): {@code optionsJson} is that of {@link #signPdf} with
     * {@code "signer": {"external": {"certificate": "PEM text or path"}}} (its CAs in {@code "chain"}). Returns the
     * prepared file (keep it; nothing else is needed to finish) and what must be signed:
     * {@code {"to_be_signed", "to_be_signed_digest", "digest_algorithm", "signature_algorithm", "field", …}}.
     */
    public static Prepared signPrepare(byte[] pdf, String optionsJson) throws KysoException {
        PointerByReference infoOut = new PointerByReference();
        // On failure the library sets both outputs to NULL: only the error is to be freed.
        try (KysoBuffer prepared = call((out, err) -> KysoNative.INSTANCE.kyso_sign_prepare(pdf,
                new KysoNative.SizeT(pdf == null ? 0 : pdf.length), optionsJson, out, infoOut, err));
                KysoBuffer info = new KysoBuffer(infoOut.getValue())) {
            return new Prepared(prepared.bytes(), info.text());
        }
    }

    /**
     * Two-step signing, second step: {@code signature} is the key's value over the prepared {@code to_be_signed}
     * (binary, or base64 text); {@code optionsJson} {@code {"level": "B-T", "tsa": "http://…"}} or {@code "{}"}.
     * A value that does not verify with the certificate over what was prepared throws code 5012; a prepared file
     * changed since, 5011. Returns the signed file.
     */
    public static byte[] signFinish(byte[] prepared, byte[] signature, String optionsJson) throws KysoException {
        try (KysoBuffer signed = call((out, err) -> KysoNative.INSTANCE.kyso_sign_finish(prepared,
                new KysoNative.SizeT(prepared == null ? 0 : prepared.length), signature,
                new KysoNative.SizeT(signature == null ? 0 : signature.length), optionsJson, out, err))) {
            return signed.bytes();
        }
    }

    /** The result of {@link #signPrepare}. */
    public static final class Prepared {
        private final byte[] pdf;
        private final String infoJson;

        Prepared(byte[] pdf, String infoJson) {
            this.pdf = pdf;
            this.infoJson = infoJson;
        }

        /** The prepared file. */
        public byte[] pdf() {
            return pdf.clone();
        }

        /** What must be signed, as JSON (base64 {@code to_be_signed}, its digest, the algorithms, the field). */
        public String infoJson() {
            return infoJson;
        }
    }

    /**
     * Verify an edXML package (QCVN 102:2016), like {@code kyso edxml verify}: its header, its XML signature and
     * every attached PDF, with the options of {@link #verifyPdf}. Returns the {@code kyso.edxml/1} JSON whatever the
     * verdict.
     */
    public static String verifyEdxml(byte[] pkg, String optionsJson) throws KysoException {
        try (KysoBuffer report = call((out, err) -> KysoNative.INSTANCE.kyso_verify_edxml(pkg,
                new KysoNative.SizeT(pkg == null ? 0 : pkg.length), optionsJson, out, err))) {
            return report.text();
        }
    }

    /**
     * The refusal notice of an incoming document that fails verification (Decree 30 Art. 21(2)), like
     * {@code kyso refuse}: {@code document} (a PDF, or an edXML package when {@code noticeJson}'s
     * {@code file_name} ends in {@code .edxml}) is verified with the options of {@link #verifyPdf};
     * {@code noticeJson} is {@code {"file_name", "sender", "receiver", "number", "place"}} (each optional). A VALID
     * document is not refused (a {@link KysoException} with code 7001).
     */
    public static RefusalNotice refusalNotice(byte[] document, String optionsJson, String noticeJson)
            throws KysoException {
        PointerByReference jsonOut = new PointerByReference();
        // On failure the library sets both outputs to NULL: only the error is to be freed.
        try (KysoBuffer pdf = call((out, err) -> KysoNative.INSTANCE.kyso_refusal_notice(document,
                new KysoNative.SizeT(document == null ? 0 : document.length), optionsJson, noticeJson, out, jsonOut,
                err));
                KysoBuffer json = new KysoBuffer(jsonOut.getValue())) {
            return new RefusalNotice(pdf.bytes(), json.text());
        }
    }

    /** The result of {@link #refusalNotice}: the one-page PDF notice and the same notice as JSON. */
    public static final class RefusalNotice {
        private final byte[] pdf;
        private final String json;

        RefusalNotice(byte[] pdf, String json) {
            this.pdf = pdf;
            this.json = json;
        }

        /** The notice as a one-page PDF (built-in font embedded; signable with {@link #signPdf}). */
        public byte[] pdf() {
            return pdf.clone();
        }

        /** The notice as {@code kyso.refusal/1} JSON. */
        public String json() {
            return json;
        }
    }

    /**
     * Verify a certificate on its own, like {@code kyso cert verify}: its chain to the trust anchors, revocation
     * and the Decree 68 profile; by default also whether it may sign documents ({@code "purpose": "any"} checks
     * the path alone). {@code cert} is PEM or DER (further certificates there help build the path); the options
     * are those of {@link #verifyPdf}. Returns the JSON report ({@code status}, {@code sub_indication},
     * {@code validation_time}, {@code path}, {@code revocation}, {@code reasons}) whatever the status.
     */
    public static String verifyCertificate(byte[] cert, String optionsJson) throws KysoException {
        try (KysoBuffer report = call((out, err) -> KysoNative.INSTANCE.kyso_verify_certificate(cert,
                new KysoNative.SizeT(cert == null ? 0 : cert.length), optionsJson, out, err))) {
            return report.text();
        }
    }

    /**
     * Describe the first certificate in {@code cert} (PEM or DER) without validating it, like
     * {@code kyso cert inspect --json}: subject, issuer, validity, key, key usages, policies, URLs, the Decree 68
     * subscriber information, whether it may sign documents, and findings. Returns the JSON.
     */
    public static String inspectCertificate(byte[] cert) throws KysoException {
        try (KysoBuffer info = call((out, err) -> KysoNative.INSTANCE.kyso_inspect_certificate(cert,
                new KysoNative.SizeT(cert == null ? 0 : cert.length), out, err))) {
            return info.text();
        }
    }

    /** Sign a PDF as the JSON signing options say; returns the signed file. */
    public static byte[] signPdf(byte[] pdf, String optionsJson) throws KysoException {
        try (KysoBuffer signed = call((out, err) -> KysoNative.INSTANCE.kyso_sign_pdf(pdf,
                new KysoNative.SizeT(pdf == null ? 0 : pdf.length), optionsJson, out, err))) {
            return signed.bytes();
        }
    }

    /** Like {@link #signPdf}, with what the signing reports besides the file (the field, the warnings). */
    public static SignResult signPdfWithResult(byte[] pdf, String optionsJson) throws KysoException {
        PointerByReference resultOut = new PointerByReference();
        // On failure the library sets both outputs to NULL: only the error is to be freed.
        try (KysoBuffer signed = call((out, err) -> KysoNative.INSTANCE.kyso_sign_pdf_with_result(pdf,
                new KysoNative.SizeT(pdf == null ? 0 : pdf.length), optionsJson, out, resultOut, err));
                KysoBuffer result = new KysoBuffer(resultOut.getValue())) {
            return new SignResult(signed.bytes(), result.text());
        }
    }

    /** The result of {@link #signPdfWithResult}. */
    public static final class SignResult {
        private final byte[] pdf;
        private final String resultJson;

        SignResult(byte[] pdf, String resultJson) {
            this.pdf = pdf;
            this.resultJson = resultJson;
        }

        /** The signed PDF (the input followed by an incremental update). */
        public byte[] pdf() {
            return pdf.clone();
        }

        /**
         * What the signing reports, as JSON: {@code {"field": "Signature2", "size": 23456, "warnings":
         * [{"code", "severity", "vi", "en"}]}}; {@code warnings} is empty unless something was assumed on the
         * caller's behalf (e.g. {@code SEAL_SIZE_ASSUMED} for a seal PNG without {@code pHYs}).
         */
        public String resultJson() {
            return resultJson;
        }
    }

    /** The tokens of a PKCS#11 module, as JSON ({@code {"tokens": [...]}}). */
    public static String tokenList(String modulePath) throws KysoException {
        try (KysoBuffer json = call((out, err) -> KysoNative.INSTANCE.kyso_token_list(modulePath, out, err))) {
            return json.text();
        }
    }

    /**
     * The certificate inventory, like {@code kyso cert inventory}: the certificates on the tokens of
     * {@code "pkcs11_module"} and in {@code "certificates"}, with their state ({@code valid},
     * {@code expiring_soon}, {@code expired}, {@code not_yet_valid}) and days left. Options:
     * {@code {"certificates", "pkcs11_module", "pin" | "pin_env", "unit", "warn_days", "at", "format"}} (see
     * kyso.h, {@code kyso_certificate_inventory}). Returns the JSON report {@code kyso.inventory/1}, or with
     * {@code "format": "csv"} the CSV text (with a byte-order mark).
     */
    public static String certificateInventory(String optionsJson) throws KysoException {
        try (KysoBuffer out = call((o, err) -> KysoNative.INSTANCE.kyso_certificate_inventory(optionsJson, o, err))) {
            return out.text();
        }
    }

    /**
     * Add long-term validation data to a signed PDF, like {@code kyso ltv add}: PAdES B-LT (a {@code /DSS}
     * update), and with {@code "tsa"} B-LTA (also a document time-stamp). Options:
     * {@code {"tsa", "tsa_digest", "offline", "partial", "crls", "ocsp_responses", "ca_certs"}} (see kyso.h,
     * {@code kyso_ltv_add}). Returns the augmented file (the input is its prefix); see
     * {@link #ltvAddWithSummary} for what was added.
     */
    public static byte[] ltvAdd(byte[] pdf, String optionsJson) throws KysoException {
        return ltvAddWithSummary(pdf, optionsJson).pdf;
    }

    /** Like {@link #ltvAdd}, with the summary of what was added. */
    public static LtvResult ltvAddWithSummary(byte[] pdf, String optionsJson) throws KysoException {
        PointerByReference summaryOut = new PointerByReference();
        // On failure the library sets both outputs to NULL: only the error is to be freed.
        try (KysoBuffer augmented = call((out, err) -> KysoNative.INSTANCE.kyso_ltv_add(pdf,
                new KysoNative.SizeT(pdf == null ? 0 : pdf.length), optionsJson, out, summaryOut, err));
                KysoBuffer summary = new KysoBuffer(summaryOut.getValue())) {
            return new LtvResult(augmented.bytes(), summary.text());
        }
    }

    /** The result of {@link #ltvAddWithSummary}. */
    public static final class LtvResult {
        private final byte[] pdf;
        private final String summaryJson;

        LtvResult(byte[] pdf, String summaryJson) {
            this.pdf = pdf;
            this.summaryJson = summaryJson;
        }

        /** The augmented PDF. */
        public byte[] pdf() {
            return pdf.clone();
        }

        /**
         * What was added, as JSON: {@code {"signatures", "certificates", "crls", "ocsp_responses",
         * "uncovered": [...], "fetch_errors": [...], "document_timestamp"}}; {@code uncovered} names the
         * certificates whose revocation status the embedded data does not establish.
         */
        public String summaryJson() {
            return summaryJson;
        }
    }

    /**
     * Run one operation of the Government CA's VGCA Sign Service with VGCA's own JSON, like {@code kyso vgca}:
     * {@code operation} is {@code SignApproved}, {@code SignIssued}, {@code SignIncome}, {@code SignCopy},
     * {@code SignAppendix}, {@code Comment} or {@code VerifyPDF} (or its JavaScript name, e.g.
     * {@code vgca_sign_issued}); {@code requestJson} is VGCA's request ({@code {"FileName": "local path",
     * "DocNumber", "IssuedDate", "MetaData": [{"Key", "Value"}], "OutputFileName"}}); {@code optionsJson} the
     * signing options of {@link #signPdf} (the profile comes from the request), or for {@code VerifyPDF} the
     * verification options of {@link #verifyPdf}. The signed file is written to {@code OutputFileName} (default:
     * {@code NAME_signed.pdf} beside the input).
     *
     * <p>Returns VGCA's JSON reply, for failures too: {@code {"Status": 0, "Message", "FileName",
     * "DocumentNumber", "DocumentDate"}} on success; otherwise a non-zero {@code Status} (2: {@code VerifyPDF}
     * found the document not valid, with its {@code Report}), a Vietnamese and English {@code Message} and
     * kyso's {@code ErrorCode}. Read {@code Status}: a {@link KysoException} is thrown only for a null argument
     * or an internal error.
     */
    public static String vgca(String operation, String requestJson, String optionsJson) throws KysoException {
        try (KysoBuffer reply = call((out, err) -> KysoNative.INSTANCE.kyso_vgca(operation, requestJson, optionsJson,
                out, err))) {
            return reply.text();
        }
    }

    @FunctionalInterface
    private interface NativeCall {
        int invoke(PointerByReference out, PointerByReference err);
    }

    /** Run a call; on failure read and free the kyso_error and throw. */
    private static KysoBuffer call(NativeCall f) throws KysoException {
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int code = f.invoke(out, err);
        if (code != 0) {
            Pointer e = err.getValue();
            String message = e == null ? "(no message)" : KysoNative.INSTANCE.kyso_error_message(e);
            KysoNative.INSTANCE.kyso_error_free(e);
            throw new KysoException(code, message);
        }
        return new KysoBuffer(out.getValue());
    }
}
