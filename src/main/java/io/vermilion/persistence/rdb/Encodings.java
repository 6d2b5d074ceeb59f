package io.vermilion.persistence.rdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural checks of the compact encodings Redis stores as one blob in an RDB file (listpack,
 * ziplist, intset, zipmap, and the listpacks of a stream), with the rules Redis applies when it
 * loads them with full integrity validation: every entry inside the blob and consistent with its
 * neighbours, counts matching the header, the terminator where it must be. Each parser returns
 * the entries (integers as their decimal text) or null when the blob is invalid.
 */
public final class Encodings {
    private Encodings() {}

    /** One decoded element: its text, and its value when it is (or reads as) an integer. */
    public record Entry(byte[] text, boolean isInt, long value) {
        public static Entry ofInt(long v) {
            return new Entry(Long.toString(v).getBytes(StandardCharsets.US_ASCII), true, v);
        }

        public static Entry ofString(byte[] s) {
            Long v = strictLong(s);
            return new Entry(s, v != null, v == null ? 0 : v);
        }

        public ByteBuffer key() { return ByteBuffer.wrap(text); }
    }

    /** Redis's string2ll: an integer written canonically (no '+', no leading zeros, fits 64 bits). */
    public static Long strictLong(byte[] s) {
        int n = s.length;
        if (n == 0 || n > 20) return null;
        if (n == 1 && s[0] == '0') return 0L;
        int i = 0;
        boolean neg = false;
        if (s[0] == '-') {
            neg = true;
            i = 1;
            if (n == 1) return null;
        }
        if (s[i] < '1' || s[i] > '9') return null;
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) return null;
            // accumulate negatively so that Long.MIN_VALUE fits
            if (v < (Long.MIN_VALUE + d) / 10) return null;
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return null;
            v = -v;
        }
        return v;
    }

    private static int u16(byte[] b, int p) { return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8; }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }

    private static long le(byte[] b, int p, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (b[p + i] & 0xffL) << (8 * i);
        return v;
    }

    // ------------------------------------------------------------------ listpack

    /** Bytes a listpack back-length takes for an entry of len bytes. */
    private static int backlenSize(long len) {
        if (len <= 127) return 1;
        if (len < 16383) return 2;
        if (len < 2097151) return 3;
        if (len < 268435455) return 4;
        return 5;
    }

    /**
     * The entries of a listpack, or null if it is not valid: total size and terminator as the
     * header says, each entry's encoding known, inside the blob, and ending with a back-length
     * equal to its size; the element count of the header must match unless {@code checkCount}
     * is false or the header says "unknown" (65535).
     */
    public static List<Entry> listpack(byte[] b, boolean checkCount) {
        int size = b.length;
        if (size < 7) return null;
        if (u32(b, 0) != size || (b[size - 1] & 0xff) != 0xff) return null;
        int declared = u16(b, 4);
        List<Entry> out = new ArrayList<>();
        int p = 6;
        while ((b[p] & 0xff) != 0xff) {
            int enc = b[p] & 0xff;
            int headerBytes;
            long entryLen;
            if ((enc & 0x80) == 0) { headerBytes = 1; entryLen = 1; }
            else if ((enc & 0xc0) == 0x80) { headerBytes = 1; entryLen = 1 + (enc & 0x3f); }
            else if ((enc & 0xe0) == 0xc0) { headerBytes = 1; entryLen = 2; }
            else if ((enc & 0xf0) == 0xe0) { headerBytes = 2; entryLen = -1; }
            else if (enc == 0xf0) { headerBytes = 5; entryLen = -1; }
            else if (enc == 0xf1) { headerBytes = 1; entryLen = 3; }
            else if (enc == 0xf2) { headerBytes = 1; entryLen = 4; }
            else if (enc == 0xf3) { headerBytes = 1; entryLen = 5; }
            else if (enc == 0xf4) { headerBytes = 1; entryLen = 9; }
            else return null;
            if (p + headerBytes > size - 1) return null;
            if (entryLen < 0) {
                entryLen = headerBytes == 2 ? 2 + (((enc & 0x0f) << 8) | (b[p + 1] & 0xff)) : 5 + u32(b, p + 1);
            }
            long total = entryLen + backlenSize(entryLen);
            if (p + total > size - 1) return null;
            // The back-length, read backwards from the entry's last byte, must give entryLen.
            int q = (int) (p + total - 1);
            long back = 0;
            int shift = 0;
            while (true) {
                int c = b[q] & 0xff;
                back |= (long) (c & 127) << shift;
                if ((c & 128) == 0) break;
                shift += 7;
                q--;
                if (shift > 28 || q < 0) return null;
            }
            if (back != entryLen) return null;
            out.add(listpackEntry(b, p, enc));
            p += (int) total;
        }
        if (p != size - 1) return null;
        if (checkCount && declared != 65535 && declared != out.size()) return null;
        return out;
    }

    private static Entry listpackEntry(byte[] b, int p, int enc) {
        if ((enc & 0x80) == 0) return Entry.ofInt(enc & 0x7f);
        if ((enc & 0xc0) == 0x80) return Entry.ofString(java.util.Arrays.copyOfRange(b, p + 1, p + 1 + (enc & 0x3f)));
        if ((enc & 0xe0) == 0xc0) {
            int u = ((enc & 0x1f) << 8) | (b[p + 1] & 0xff);
            return Entry.ofInt(u >= 4096 ? u - 8192 : u);
        }
        if ((enc & 0xf0) == 0xe0) {
            int len = ((enc & 0x0f) << 8) | (b[p + 1] & 0xff);
            return Entry.ofString(java.util.Arrays.copyOfRange(b, p + 2, p + 2 + len));
        }
        if (enc == 0xf0) {
            int len = (int) u32(b, p + 1);
            return Entry.ofString(java.util.Arrays.copyOfRange(b, p + 5, p + 5 + len));
        }
        return switch (enc) {
            case 0xf1 -> Entry.ofInt((short) le(b, p + 1, 2));
            case 0xf2 -> Entry.ofInt((le(b, p + 1, 3) << 40) >> 40);
            case 0xf3 -> Entry.ofInt((int) le(b, p + 1, 4));
            default -> Entry.ofInt(le(b, p + 1, 8));
        };
    }

    /** Entries that must come in pairs whose first halves (fields, members) are all distinct. */
    public static boolean pairsWithoutDuplicates(List<Entry> entries) {
        if (entries.size() % 2 != 0) return false;
        Set<ByteBuffer> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i += 2) {
            if (!seen.add(entries.get(i).key())) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ ziplist

    /**
     * The entries of a ziplist (the pre-7.0 encoding), or null if it is not valid: size and
     * terminator as the header says, each entry's previous-length equal to the size of the entry
     * before it, known encodings, everything inside the blob, the tail offset pointing at the last
     * entry, and the count matching unless the header says "unknown" (65535).
     */
    public static List<Entry> ziplist(byte[] b) {
        int size = b.length;
        if (size < 11) return null;
        if (u32(b, 0) != size || (b[size - 1] & 0xff) != 0xff) return null;
        long tail = u32(b, 4);
        if (tail > size - 1) return null;
        int declared = u16(b, 8);
        List<Entry> out = new ArrayList<>();
        int p = 10;
        long prevLen = 0;
        int last = -1;
        while ((b[p] & 0xff) != 0xff) {
            int prevLenSize = (b[p] & 0xff) < 254 ? 1 : 5;
            if (p + prevLenSize >= size - 1) return null;
            long prev = prevLenSize == 1 ? b[p] & 0xff : u32(b, p + 1);
            if (prev != prevLen) return null;
            int e = p + prevLenSize;
            int enc = b[e] & 0xff;
            int lenSize;
            long dataLen;
            Entry entry;
            if (enc < 0xc0) {
                int kind = enc >> 6;
                lenSize = kind == 0 ? 1 : kind == 1 ? 2 : 5;
                if (e + lenSize > size - 1) return null;
                dataLen = kind == 0 ? enc & 0x3f
                        : kind == 1 ? ((enc & 0x3f) << 8) | (b[e + 1] & 0xff)
                        : ((b[e + 1] & 0xffL) << 24) | ((b[e + 2] & 0xffL) << 16) | ((b[e + 3] & 0xffL) << 8) | (b[e + 4] & 0xffL);
                if (e + lenSize + dataLen > size - 1) return null;
                entry = Entry.ofString(java.util.Arrays.copyOfRange(b, e + lenSize, (int) (e + lenSize + dataLen)));
            } else {
                lenSize = 1;
                switch (enc) {
                    case 0xc0 -> dataLen = 2;
                    case 0xd0 -> dataLen = 4;
                    case 0xe0 -> dataLen = 8;
                    case 0xf0 -> dataLen = 3;
                    case 0xfe -> dataLen = 1;
                    default -> {
                        if (enc < 0xf1 || enc > 0xfd) return null;
                        dataLen = 0;
                    }
                }
                if (e + 1 + dataLen > size - 1) return null;
                int d = e + 1;
                long v = switch (enc) {
                    case 0xc0 -> (short) le(b, d, 2);
                    case 0xd0 -> (int) le(b, d, 4);
                    case 0xe0 -> le(b, d, 8);
                    case 0xf0 -> (le(b, d, 3) << 40) >> 40;
                    case 0xfe -> b[d];
                    default -> (enc & 0x0f) - 1;
                };
                entry = Entry.ofInt(v);
            }
            long total = prevLenSize + lenSize + dataLen;
            out.add(entry);
            last = p;
            prevLen = total;
            p += (int) total;
        }
        if (p != size - 1) return null;
        if (last >= 0 && last != tail) return null;
        if (declared != 65535 && declared != out.size()) return null;
        return out;
    }

    // ------------------------------------------------------------------ intset

    /** An intset: a known width, a size matching its count, at least one element, strictly ascending. */
    public static boolean intset(byte[] b) {
        if (b.length < 8) return false;
        long width = u32(b, 0);
        if (width != 2 && width != 4 && width != 8) return false;
        long count = u32(b, 4);
        if (8 + count * width != b.length) return false;
        if (count == 0) return false;
        long prev = 0;
        for (int i = 0; i < count; i++) {
            int p = 8 + i * (int) width;
            long v = width == 2 ? (short) le(b, p, 2) : width == 4 ? (int) le(b, p, 4) : le(b, p, 8);
            if (i > 0 && v <= prev) return false;
            prev = v;
        }
        return true;
    }

    // ------------------------------------------------------------------ zipmap

    /** The field/value strings of a zipmap (the pre-2.6 hash encoding), or null if invalid. */
    public static List<byte[]> zipmap(byte[] b) {
        int size = b.length;
        if (size < 2) return null;
        int declared = b[0] & 0xff;
        List<byte[]> out = new ArrayList<>();
        int p = 1;
        while (true) {
            if (p >= size) return null;
            if ((b[p] & 0xff) == 0xff) break;
            // field
            long[] len = new long[1];
            p = zipmapLen(b, p, len);
            if (p < 0 || p + len[0] > size - 1) return null;
            out.add(java.util.Arrays.copyOfRange(b, p, (int) (p + len[0])));
            p += (int) len[0];
            // value: length, free byte, bytes, free space
            if (p >= size - 1 || (b[p] & 0xff) == 0xff) return null;
            p = zipmapLen(b, p, len);
            if (p < 0 || p + 1 > size - 1) return null;
            int free = b[p] & 0xff;
            p++;
            if (p + len[0] + free > size - 1) return null;
            out.add(java.util.Arrays.copyOfRange(b, p, (int) (p + len[0])));
            p += (int) (len[0] + free);
        }
        if (p != size - 1) return null;
        if (declared < 254 && declared != out.size() / 2) return null;
        return out;
    }

    private static int zipmapLen(byte[] b, int p, long[] len) {
        int first = b[p] & 0xff;
        if (first < 254) {
            len[0] = first;
            return p + 1;
        }
        if (first == 255 || p + 5 > b.length - 1) return -1;
        len[0] = u32(b, p + 1);
        return p + 5;
    }

    // ------------------------------------------------------------------ stream listpack

    /**
     * A listpack of a stream node: valid entries (its header count is not used), laid out as a
     * master entry (count, deleted, field count, field names, 0) followed by count + deleted
     * records (flags, id deltas, own fields unless flagged "same fields", values, and an entry
     * count equal to the record's size), and nothing after.
     */
    public static boolean streamListpack(byte[] b) {
        List<Entry> e = listpack(b, false);
        if (e == null || e.isEmpty()) return false;
        int[] i = {0};
        Long count = intAt(e, i), deleted = count == null ? null : intAt(e, i), fields = deleted == null ? null : intAt(e, i);
        if (fields == null) return false;
        for (long j = 0; j < fields; j++) if (!skip(e, i)) return false;
        Long zero = intAt(e, i);
        if (zero == null || zero != 0) return false;
        long records = count + deleted;
        while (records-- != 0) {
            if (i[0] >= e.size()) return false;
            Long flags = intAt(e, i);
            if (flags == null || intAt(e, i) == null || intAt(e, i) == null) return false;
            long own = fields, extra = 3;
            if ((flags & 2) == 0) {
                Long n = intAt(e, i);
                if (n == null) return false;
                own = n;
                for (long j = 0; j < own; j++) if (!skip(e, i)) return false;
                extra += own + 1;
            }
            for (long j = 0; j < own; j++) if (!skip(e, i)) return false;
            Long lpCount = intAt(e, i);
            if (lpCount == null || lpCount != own + extra) return false;
        }
        return i[0] == e.size();
    }

    private static Long intAt(List<Entry> e, int[] i) {
        if (i[0] >= e.size()) return null;
        Entry x = e.get(i[0]++);
        return x.isInt() ? x.value() : null;
    }

    private static boolean skip(List<Entry> e, int[] i) {
        if (i[0] >= e.size()) return false;
        i[0]++;
        return true;
    }
}
