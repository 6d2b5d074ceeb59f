package io.vermilion.types;

import java.util.Arrays;

/**
 * A mutable string value with spare capacity, like Redis's raw-encoded sds: what APPEND and
 * SETRANGE produce, so that repeated appends are amortised O(1). Plain SET stores an immutable
 * byte[] instead (the common, compact case).
 */
public final class Sds {
    byte[] buf;
    int len;

    public Sds(byte[] initial, int extra) {
        buf = Arrays.copyOf(initial, initial.length + extra);
        len = initial.length;
    }

    public int length() { return len; }
    public byte[] array() { return buf; }

    public void append(byte[] b) {
        ensure(len + b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** Writes b at offset, zero-padding any gap (SETRANGE). */
    public void setRange(long offset, byte[] b) {
        int end = (int) offset + b.length;
        ensure(end);
        if (end > len) len = end;
        System.arraycopy(b, 0, buf, (int) offset, b.length);
    }

    private void ensure(int need) {
        if (need <= buf.length) return;
        // Double small strings, grow large ones by 1 MB (Redis's SDS_MAX_PREALLOC).
        int cap = need < 1024 * 1024 ? need * 2 : need + 1024 * 1024;
        buf = Arrays.copyOf(buf, cap);
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }
}
