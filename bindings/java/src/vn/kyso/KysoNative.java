package vn.kyso;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;

/**
 * The raw JNA mapping of the kyso C ABI (bindings/c/include/kyso.h). Use {@link Kyso} instead: it frees
 * every buffer and turns errors into {@link KysoException}.
 *
 * <p>No C {@code bool} crosses the boundary, so no JNA boolean mapping is involved; strings are passed as
 * NUL-terminated UTF-8.
 */
public interface KysoNative extends Library {
    /**
     * The library, named {@code kyso} on every platform: {@code libkyso.so} on Linux, {@code kyso.dll} on
     * Windows. JNA looks on {@code jna.library.path}, the system path, then in the class path under its
     * platform folder ({@code linux-x86-64/}, {@code win32-x86-64/}), where the packaged {@code kyso.jar}
     * carries both (bindings/windows/build.sh).
     */
    KysoNative INSTANCE = Native.load("kyso", KysoNative.class,
            Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

    /** C {@code size_t}. */
    final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    String kyso_version();

    int kyso_abi_version();

    int kyso_verify_pdf(byte[] pdf, SizeT pdfLen, String optionsJson, PointerByReference reportJsonOut,
            PointerByReference errorOut);

    int kyso_sign_prepare(byte[] pdf, SizeT pdfLen, String optionsJson, PointerByReference preparedPdfOut,
            PointerByReference infoJsonOut, PointerByReference errorOut);

    int kyso_sign_finish(byte[] prepared, SizeT preparedLen, byte[] signature, SizeT signatureLen,
            String optionsJson, PointerByReference signedPdfOut, PointerByReference errorOut);

    int kyso_verify_edxml(byte[] pkg, SizeT pkgLen, String optionsJson, PointerByReference reportJsonOut,
            PointerByReference errorOut);

    int kyso_refusal_notice(byte[] doc, SizeT docLen, String optionsJson, String noticeJson,
            PointerByReference noticePdfOut, PointerByReference noticeJsonOut, PointerByReference errorOut);

    int kyso_verify_certificate(byte[] cert, SizeT certLen, String optionsJson, PointerByReference reportJsonOut,
            PointerByReference errorOut);

    int kyso_inspect_certificate(byte[] cert, SizeT certLen, PointerByReference infoJsonOut,
            PointerByReference errorOut);

    int kyso_sign_pdf(byte[] pdf, SizeT pdfLen, String optionsJson, PointerByReference signedPdfOut,
            PointerByReference errorOut);

    int kyso_sign_pdf_with_result(byte[] pdf, SizeT pdfLen, String optionsJson, PointerByReference signedPdfOut,
            PointerByReference resultJsonOut, PointerByReference errorOut);

    int kyso_token_list(String modulePath, PointerByReference jsonOut, PointerByReference errorOut);

    int kyso_certificate_inventory(String optionsJson, PointerByReference out, PointerByReference errorOut);

    int kyso_ltv_add(byte[] pdf, SizeT pdfLen, String optionsJson, PointerByReference pdfOut,
            PointerByReference summaryJsonOut, PointerByReference errorOut);

    int kyso_vgca(String operation, String requestJson, String optionsJson, PointerByReference replyJsonOut,
            PointerByReference errorOut);

    Pointer kyso_buffer_data(Pointer buffer);

    SizeT kyso_buffer_len(Pointer buffer);

    void kyso_buffer_free(Pointer buffer);

    int kyso_error_code(Pointer error);

    String kyso_error_message(Pointer error);

    void kyso_error_free(Pointer error);
}
