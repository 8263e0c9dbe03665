package vn.kyso;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/** A {@code kyso_buffer} owned by Java; {@link #close()} frees it (once). */
public final class KysoBuffer implements AutoCloseable {
    private Pointer handle;

    KysoBuffer(Pointer handle) {
        this.handle = handle;
    }

    /** A copy of the bytes. */
    public synchronized byte[] bytes() {
        if (handle == null) {
            throw new IllegalStateException("kyso_buffer already freed");
        }
        long len = KysoNative.INSTANCE.kyso_buffer_len(handle).longValue();
        if (len > Integer.MAX_VALUE) {
            throw new IllegalStateException("buffer too large for a Java array: " + len);
        }
        return KysoNative.INSTANCE.kyso_buffer_data(handle).getByteArray(0, (int) len);
    }

    /** The bytes as UTF-8 text (reports and lists are JSON). */
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            KysoNative.INSTANCE.kyso_buffer_free(handle);
            handle = null;
        }
    }
}
