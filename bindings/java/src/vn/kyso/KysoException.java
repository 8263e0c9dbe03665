package vn.kyso;

/** A kyso call failed: {@link #code()} is the stable numeric code of the C ABI (see kyso.h). */
public final class KysoException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;

    public KysoException(int code, String message) {
        super("kyso error " + code + ": " + message);
        this.code = code;
    }

    /** The stable error code (e.g. 7001 invalid options, 7101 NULL argument, 1001 malformed PDF). */
    public int code() {
        return code;
    }
}
