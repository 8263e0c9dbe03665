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
