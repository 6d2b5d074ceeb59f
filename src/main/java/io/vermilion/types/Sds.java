package io.vermilion.types;

import java.util.Arrays;

/**
 * A mutable string value with spare capacity, like Redis's raw-encoded sds: what APPEND and
 * SETRANGE produce, so that repeated appends are amortised O(1). Plain SET stores an immutable
 * byte[] instead (the common, compact case).
 *
 * <p>An Sds also stands for strings that Redis builds with createStringObject rather than from a
 * client argument (INCRBYFLOAT's result): those are never integer-encoded, only "embstr" up to
 * 44 bytes or "raw" beyond, so OBJECT ENCODING must not derive their encoding from the content
 * the way it does for byte[] values. See {@link #ofString} and {@link #encoding()}.
 *
 * <p>Each Sds belongs to exactly one key (commands mutate it in place); anything that copies a
 * value to a second key (COPY, restore...) must copy an Sds with {@link #toBytes()} or
 * {@link #copy()}.
 */
public final class Sds {
    byte[] buf;
    int len;
    /** Built as createStringObject does and not modified since: "embstr" when short. */
    private boolean embstr;

    public Sds(byte[] initial, int extra) {
        buf = Arrays.copyOf(initial, initial.length + extra);
        len = initial.length;
    }

    /** A zero-filled string of the given length, exactly sized (SETRANGE on a missing key). */
    public Sds(int length) {
        buf = new byte[length];
        len = length;
    }

    /**
     * A string created the way Redis's createStringObject creates one (no integer encoding):
     * OBJECT ENCODING says "embstr" up to {@link Strings#EMBSTR_LIMIT} bytes, "raw" beyond.
     */
    public static Sds ofString(byte[] b) {
        Sds s = new Sds(b, 0);
        s.embstr = b.length <= Strings.EMBSTR_LIMIT;
        return s;
    }

    public int length() { return len; }
    public byte[] array() { return buf; }

    /** Redis's encoding name for this value: "raw" once modified in place, as Redis unshares it. */
    public String encoding() { return embstr ? "embstr" : "raw"; }

    public void append(byte[] b) {
        embstr = false;
        ensure(len + b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** Writes b at offset, zero-padding any gap (SETRANGE). */
    public void setRange(int offset, byte[] b) {
        embstr = false;
        int end = offset + b.length;
        ensure(end);
        if (offset > len) Arrays.fill(buf, len, offset, (byte) 0);
        if (end > len) len = end;
        System.arraycopy(b, 0, buf, offset, b.length);
    }

    /** Extends the string with zero bytes to at least length bytes (Redis's sdsgrowzero); true if it grew. */
    public boolean growZero(int length) {
        embstr = false;
        if (length <= len) return false;
        ensure(length);
        Arrays.fill(buf, len, length, (byte) 0);
        len = length;
        return true;
    }

    private void ensure(int need) {
        if (need <= buf.length) return;
        // Double small strings, grow large ones by 1 MB (Redis's SDS_MAX_PREALLOC), never past
        // what a Java array can hold.
        long cap = need < 1024 * 1024 ? (long) need * 2 : (long) need + 1024 * 1024;
        buf = Arrays.copyOf(buf, (int) Math.min(cap, Integer.MAX_VALUE - 8));
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** An independent copy with the same content and encoding. */
    public Sds copy() {
        Sds s = new Sds(toBytes(), 0);
        s.embstr = embstr;
        return s;
    }
}
