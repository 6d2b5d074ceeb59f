package io.vermilion.types;

/**
 * Redis's intset layout over a {@code byte[]}: a u32 element width (2, 4 or 8), a u32 count,
 * then the integers sorted ascending, little-endian, each of that width. The array is always
 * exactly that long, so it is byte for byte the blob Redis keeps in memory and writes to RDB
 * (type 11). Operations return a new array when the content changes, as Redis reallocates.
 *
 * <p>Like Redis, the width only ever grows (to the smallest that holds the new value); removing
 * the value that needed it keeps the width.
 */
public final class Intset {
    private Intset() {}

    private static final byte[] EMPTY = {2, 0, 0, 0, 0, 0, 0, 0};

    /** A new empty intset (width 2, as Redis's intsetNew). */
    public static byte[] empty() {
        return EMPTY.clone();
    }

    public static int width(byte[] is) {
        return is[0] & 0xFF;
    }

    public static int length(byte[] is) {
        return (is[4] & 0xFF) | (is[5] & 0xFF) << 8 | (is[6] & 0xFF) << 16 | (is[7] & 0xFF) << 24;
    }

    private static void setLength(byte[] is, int n) {
        is[4] = (byte) n;
        is[5] = (byte) (n >>> 8);
        is[6] = (byte) (n >>> 16);
        is[7] = (byte) (n >>> 24);
    }

    /** The i-th smallest element. */
    public static long get(byte[] is, int i) {
        return read(is, width(is), i);
    }

    private static long read(byte[] is, int w, int i) {
        int p = 8 + i * w;
        switch (w) {
            case 2:
                return (short) ((is[p] & 0xFF) | (is[p + 1] & 0xFF) << 8);
            case 4:
                return (is[p] & 0xFF) | (is[p + 1] & 0xFF) << 8 | (is[p + 2] & 0xFF) << 16 | (is[p + 3]) << 24;
            default: {
                long v = 0;
                for (int k = 7; k >= 0; k--) v = (v << 8) | (is[p + k] & 0xFF);
                return v;
            }
        }
    }

    private static void write(byte[] is, int w, int i, long v) {
        int p = 8 + i * w;
        for (int k = 0; k < w; k++) {
            is[p + k] = (byte) v;
            v >>= 8;
        }
    }

    /** The width needed for v (Redis's _intsetValueEncoding). */
    static int widthFor(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) return 8;
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) return 4;
        return 2;
    }

    /** Index of v, or -(insertion point) - 1 if absent. */
    public static int search(byte[] is, long v) {
        int w = width(is);
        int lo = 0, hi = length(is) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = read(is, w, mid);
            if (m < v) lo = mid + 1;
            else if (m > v) hi = mid - 1;
            else return mid;
        }
        return -lo - 1;
    }

    public static boolean contains(byte[] is, long v) {
        return widthFor(v) <= width(is) && search(is, v) >= 0;
    }

    /** is with v added (a new array), or is itself if v was present. */
    public static byte[] add(byte[] is, long v) {
        int w = width(is);
        int n = length(is);
        int nw = widthFor(v);
        if (nw > w) {
            // Upgrade: v is below or above every element, so it goes first or last.
            byte[] out = new byte[8 + (n + 1) * nw];
            out[0] = (byte) nw;
            int shift = v < 0 ? 1 : 0;
            for (int i = 0; i < n; i++) write(out, nw, i + shift, read(is, w, i));
            write(out, nw, v < 0 ? 0 : n, v);
            setLength(out, n + 1);
            return out;
        }
        int at = search(is, v);
        if (at >= 0) return is;
        at = -at - 1;
        byte[] out = new byte[is.length + w];
        System.arraycopy(is, 0, out, 0, 8 + at * w);
        write(out, w, at, v);
        System.arraycopy(is, 8 + at * w, out, 8 + (at + 1) * w, (n - at) * w);
        setLength(out, n + 1);
        return out;
    }

    /**
     * is with the values v[0..n) added (sorted ascending, distinct), in one new array; is itself
     * if all were present. The width is the smallest that holds everything, as adding them one
     * by one would give.
     */
    public static byte[] addAll(byte[] is, long[] v, int n) {
        int w = width(is);
        int len = length(is);
        int nw = w;
        for (int i = 0; i < n; i++) nw = Math.max(nw, widthFor(v[i]));
        // count the new values
        int added = 0;
        for (int i = 0, j = 0; i < n; i++) {
            while (j < len && read(is, w, j) < v[i]) j++;
            if (j >= len || read(is, w, j) != v[i]) added++;
        }
        if (added == 0) return is;
        byte[] out = new byte[8 + (len + added) * nw];
        out[0] = (byte) nw;
        int i = 0, j = 0, k = 0;
        while (i < n || j < len) {
            long x;
            if (j >= len || (i < n && v[i] < read(is, w, j))) {
                x = v[i++];
            } else {
                x = read(is, w, j++);
                if (i < n && v[i] == x) i++;
            }
            write(out, nw, k++, x);
        }
        setLength(out, k);
        return out;
    }

    /** is without v (a new array), or is itself if v was absent. */
    public static byte[] remove(byte[] is, long v) {
        if (widthFor(v) > width(is)) return is;
        int at = search(is, v);
        if (at < 0) return is;
        return removeAt(is, at);
    }

    /** is without its at-th element (a new array). */
    public static byte[] removeAt(byte[] is, int at) {
        int w = width(is);
        int n = length(is);
        byte[] out = new byte[is.length - w];
        System.arraycopy(is, 0, out, 0, 8 + at * w);
        System.arraycopy(is, 8 + (at + 1) * w, out, 8 + at * w, (n - at - 1) * w);
        setLength(out, n - 1);
        return out;
    }
}
