package io.vermilion.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for ASCII/Latin-1 text (node lines, nodes.conf): what StringBuilder does
 * for these, with far less code behind each append. It matters less for its own speed than for
 * the JIT's: a renderer built on it compiles to a fraction of the machine code a StringBuilder
 * one does (whose appends carry the Latin-1/UTF-16 paths), and the cluster's renderers are
 * compiled, and recompiled, on every node during a reshard.
 */
public final class Latin1Builder {
    private byte[] buf;
    private int len;

    public Latin1Builder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public int length() { return len; }

    private void room(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    public Latin1Builder ch(char c) {
        room(1);
        buf[len++] = (byte) c;
        return this;
    }

    /** Each char's low byte: the text must be Latin-1 (ids, addresses, flag names are ASCII). */
    public Latin1Builder text(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
        return this;
    }

    /** A signed decimal. */
    public Latin1Builder dec(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) return text("-9223372036854775808");
            ch('-');
            v = -v;
        }
        return udec(v);
    }

    /** An unsigned 64-bit decimal (Redis prints epochs as uint64). */
    public Latin1Builder udec(long v) {
        room(20);
        if (v < 0) { // above Long.MAX_VALUE: the last digit first, then the rest is signed-safe
            long q = Long.divideUnsigned(v, 10);
            udec(q);
            buf[len++] = (byte) ('0' + (int) (v - q * 10));
            return this;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) digits++;
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        len = end;
        return this;
    }

    /** A copy of the bytes written. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.ISO_8859_1);
    }
}
