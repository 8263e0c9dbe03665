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

    /** Sign a PDF as the JSON signing options say; returns the signed file. */
    public static byte[] signPdf(byte[] pdf, String optionsJson) throws KysoException {
        try (KysoBuffer signed = call((out, err) -> KysoNative.INSTANCE.kyso_sign_pdf(pdf,
                new KysoNative.SizeT(pdf == null ? 0 : pdf.length), optionsJson, out, err))) {
            return signed.bytes();
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
