package io.vermilion.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The struct library Redis bundles (Roberto Ierusalimschy's lua_struct 0.2 as built on x86-64:
 * native little endian, long and size_t 8 bytes, int 4, short 2, maximum alignment 8): pack,
 * unpack, size with the formats {@code > < ! x b B h H l L T i[n] I[n] f d c[n] s} and spaces.
 * Errors are the C library's ("invalid format option", "data string too short", ...).
 */
final class StructLib {
    private StructLib() {}

    static final int MAXINTSIZE = 32, MAXALIGN = 8;

    static LuaTable create(Hook hook) {
        LuaTable t = new LuaTable();
        t.rawset("pack", new LibFunction("pack", hook) {
            @Override public Varargs invoke(Varargs a) { return pack(this, a); }
        });
        t.rawset("unpack", new LibFunction("unpack", hook) {
            @Override public Varargs invoke(Varargs a) { return unpack(this, a); }
        });
        t.rawset("size", new LibFunction("size", hook) {
            @Override public Varargs invoke(Varargs a) { return size(this, a); }
        });
        return t;
    }

    /** The format being read, with its header (endianness, alignment). */
    private static final class Fmt {
        final byte[] f;
        int p;
        boolean little = true;
        int align = 1;

        Fmt(byte[] f) { this.f = f; }

        boolean more() { return p < f.length && f[p] != 0; }
        int next() { return f[p++] & 0xff; }
        int peek() { return p < f.length ? f[p] & 0xff : 0; }
    }

    private static boolean isdigit(int c) { return c >= '0' && c <= '9'; }

    private static int getnum(LibFunction lf, Fmt fmt, int df) {
        if (!isdigit(fmt.peek())) return df;
        int a = 0;
        do {
            int d = fmt.peek() - '0';
            if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) throw lf.fail("integral size overflow");
            a = a * 10 + d;
            fmt.p++;
        } while (isdigit(fmt.peek()));
        return a;
    }

    private static int optsize(LibFunction lf, int opt, Fmt fmt) {
        switch (opt) {
            case 'B': case 'b': return 1;
            case 'H': case 'h': return 2;
            case 'L': case 'l': case 'T': return 8;
            case 'f': return 4;
            case 'd': return 8;
            case 'x': return 1;
            case 'c': return getnum(lf, fmt, 1);
            case 'i': case 'I': {
                int sz = getnum(lf, fmt, 4);
                if (sz > MAXINTSIZE) throw lf.fail("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                return sz;
            }
            default: return 0;
        }
    }

    private static long gettoalign(long len, Fmt h, int opt, int size) {
        if (size == 0 || opt == 'c') return 0;
        if (size > h.align) size = h.align;
        return (size - (len & (size - 1))) & (size - 1);
    }

    private static void controloptions(LibFunction lf, int opt, Fmt fmt) {
        switch (opt) {
            case ' ': return;
            case '>': fmt.little = false; return;
            case '<': fmt.little = true; return;
            case '!': {
                int a = getnum(lf, fmt, MAXALIGN);
                if (a <= 0 || (a & (a - 1)) != 0) throw lf.fail("alignment " + a + " is not a power of 2");
                fmt.align = a;
                return;
            }
            default:
                throw lf.argError(1, "invalid format option '" + (char) opt + "'");
        }
    }

    /** (Uinttype) of a Lua number as the C code converts it. */
    private static long toUint(double n) {
        if (n < 0) return (long) n;
        if (n >= 9.223372036854775808E18) {
            if (n >= 1.8446744073709552E19) return 0;
            return (long) (n - 9.223372036854775808E18) ^ Long.MIN_VALUE;
        }
        return (long) n;
    }

    static Varargs pack(LibFunction lf, Varargs in) {
        // b_pack pushes a nil mark after its arguments: a missing one is "got nil".
        LuaValue[] args = new LuaValue[in.narg() + 1];
        for (int i = 0; i < in.narg(); i++) args[i] = in.arg(i + 1);
        args[in.narg()] = LuaValue.NIL;
        Varargs a = LuaValue.varargsOf(args);
        Fmt fmt = new Fmt(LuaConv.bytesOf(lf.checkString(a, 1)));
        int arg = 2;
        long total = 0;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (fmt.more()) {
            int opt = fmt.next();
            int size = optsize(lf, opt, fmt);
            long toalign = gettoalign(total, fmt, opt, size);
            total += toalign;
            while (toalign-- > 0) b.write(0);
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    long v = toUint(lf.checkNumber(a, arg++));
                    byte[] buf = new byte[size];
                    if (fmt.little) {
                        for (int i = 0; i < size; i++) { buf[i] = (byte) v; v >>>= 8; }
                    } else {
                        for (int i = size - 1; i >= 0; i--) { buf[i] = (byte) v; v >>>= 8; }
                    }
                    b.write(buf, 0, size);
                    break;
                }
                case 'x': b.write(0); break;
                case 'f': {
                    long bits = Float.floatToRawIntBits((float) Double.longBitsToDouble(LibFunction.luaNanBits(lf.checkNumber(a, arg++)))) & 0xffffffffL;
                    write(b, bits, 4, fmt.little);
                    break;
                }
                case 'd': {
                    write(b, LibFunction.luaNanBits(lf.checkNumber(a, arg++)), 8, fmt.little);
                    break;
                }
                case 'c': case 's': {
                    LuaString s = lf.checkString(a, arg++);
                    int l = s.m_length;
                    if (size == 0) size = l;
                    if (l < size) throw lf.argError(arg, "string too short");
                    b.write(s.m_bytes, s.m_offset, size);
                    if (opt == 's') {
                        b.write(0);
                        size++;
                    }
                    break;
                }
                default: controloptions(lf, opt, fmt);
            }
            total += size;
        }
        return LuaValue.valueOf(b.toByteArray());
    }

    private static void write(ByteArrayOutputStream b, long bits, int n, boolean little) {
        for (int i = 0; i < n; i++) {
            int shift = little ? 8 * i : 8 * (n - 1 - i);
            b.write((int) (bits >>> shift) & 0xff);
        }
    }

    private static long read(byte[] d, int pos, int n, boolean little) {
        long l = 0;
        if (!little) {
            for (int i = 0; i < n; i++) l = (l << 8) | (d[pos + i] & 0xff);
        } else {
            for (int i = n - 1; i >= 0; i--) l = (l << 8) | (d[pos + i] & 0xff);
        }
        return l;
    }

    static Varargs unpack(LibFunction lf, Varargs a) {
        Fmt fmt = new Fmt(LuaConv.bytesOf(lf.checkString(a, 1)));
        byte[] data = LuaConv.bytesOf(lf.checkString(a, 2));
        long ld = data.length;
        long pos = lf.optInteger(a, 3, 1);
        // size_t in C: a negative offset is a huge one.
        boolean huge = pos < 0;
        if (pos == 0) throw lf.argError(3, "offset must be 1 or greater");
        pos--;
        List<LuaValue> out = new ArrayList<>();
        while (fmt.more()) {
            int opt = fmt.next();
            int size = optsize(lf, opt, fmt);
            pos += gettoalign(pos, fmt, opt, size);
            if (huge || size > ld || pos > ld - size) throw lf.argError(2, "data string too short");
            int p = (int) pos;
            switch (opt) {
                case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
                    boolean signed = Character.isLowerCase(opt);
                    long l = read(data, p, Math.min(size, 8), fmt.little);
                    if (size > 8) l = read(data, fmt.little ? p : p + size - 8, 8, fmt.little);
                    double res;
                    if (!signed) {
                        res = l >= 0 ? (double) l : (double) (l >>> 1) * 2.0 + (l & 1);
                    } else {
                        long mask = -1L << (size * 8 - 1);
                        if ((l & mask) != 0) l |= mask;
                        res = (double) l;
                    }
                    out.add(LuaValue.valueOf(res));
                    break;
                }
                case 'x': break;
                case 'f': out.add(LuaValue.valueOf((double) Float.intBitsToFloat((int) read(data, p, 4, fmt.little)))); break;
                case 'd': out.add(LuaValue.valueOf(Double.longBitsToDouble(read(data, p, 8, fmt.little)))); break;
                case 'c': {
                    if (size == 0) {
                        if (out.isEmpty() || !out.get(out.size() - 1).isnumber()) throw lf.fail("format 'c0' needs a previous size");
                        size = (int) (long) out.remove(out.size() - 1).todouble();
                        if (size > ld || pos > ld - size || size < 0) throw lf.argError(2, "data string too short");
                    }
                    out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(data, p, p + size)));
                    break;
                }
                case 's': {
                    int e = -1;
                    for (int i = p; i < data.length; i++) if (data[i] == 0) { e = i; break; }
                    if (e < 0) throw lf.fail("unfinished string in data");
                    size = e - p + 1;
                    out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(data, p, e)));
                    break;
                }
                default: controloptions(lf, opt, fmt);
            }
            pos += size;
        }
        out.add(LuaValue.valueOf(pos + 1));
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    static Varargs size(LibFunction lf, Varargs a) {
        Fmt fmt = new Fmt(LuaConv.bytesOf(lf.checkString(a, 1)));
        long pos = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            int size = optsize(lf, opt, fmt);
            pos += gettoalign(pos, fmt, opt, size);
            if (opt == 's') throw lf.argError(1, "option 's' has no fixed size");
            else if (opt == 'c' && size == 0) throw lf.argError(1, "option 'c0' has no fixed size");
            if (!Character.isLetterOrDigit(opt) || opt > 127) controloptions(lf, opt, fmt);
            pos += size;
        }
        return LuaValue.valueOf(pos);
    }
}
