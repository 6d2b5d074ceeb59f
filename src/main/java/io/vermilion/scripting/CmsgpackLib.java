package io.vermilion.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The cmsgpack library Redis bundles (lua-cmsgpack 0.4.0): pack(...), unpack(s),
 * unpack_one(s [,offset]), unpack_limit(s, limit [,offset]). Encoding as the C library: numbers
 * equal to a 64-bit integer use the smallest int format, others a float32 when exact, else a
 * float64; strings the fixraw/raw8/raw16/raw32 formats; a table whose keys are exactly 1..n an
 * array, any other table a map; tables nested 16 deep, nil, functions and userdata nil. The
 * decoder knows the same formats (no bin/ext) and raises "Missing bytes in input." /
 * "Bad data format in input.".
 */
final class CmsgpackLib {
    private CmsgpackLib() {}

    static final int MAX_NESTING = 16;

    static LuaTable create(Hook hook) {
        LuaTable t = new LuaTable();
        t.rawset("pack", new LibFunction("pack", hook) {
            @Override public Varargs invoke(Varargs a) {
                int n = a.narg();
                if (n == 0) throw argError(0, "MessagePack pack needs input.");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 1; i <= n; i++) encode(out, a.arg(i), 0);
                return LuaValue.valueOf(out.toByteArray());
            }
        });
        t.rawset("unpack", new LibFunction("unpack", hook) {
            @Override public Varargs invoke(Varargs a) { return unpack(this, a, 0, 0); }
        });
        t.rawset("unpack_one", new LibFunction("unpack_one", hook) {
            @Override public Varargs invoke(Varargs a) {
                long offset = optInteger(a, 2, 0);
                return unpack(this, a, 1, offset);
            }
        });
        t.rawset("unpack_limit", new LibFunction("unpack_limit", hook) {
            @Override public Varargs invoke(Varargs a) {
                long limit = checkInteger(a, 2);
                long offset = optInteger(a, 3, 0);
                return unpack(this, a, limit, offset);
            }
        });
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    // ------------------------------------------------------------------ encoding

    static void encode(ByteArrayOutputStream out, LuaValue v, int level) {
        int type = v.type();
        if (type == LuaValue.TTABLE && level == MAX_NESTING) type = LuaValue.TNIL;
        switch (type) {
            case LuaValue.TSTRING: {
                LuaString s = v.checkstring();
                bytes(out, s.m_bytes, s.m_offset, s.m_length);
                break;
            }
            case LuaValue.TBOOLEAN: out.write(v.toboolean() ? 0xc3 : 0xc2); break;
            case LuaValue.TNUMBER: number(out, v.todouble()); break;
            case LuaValue.TTABLE: table(out, (LuaTable) v, level); break;
            default: out.write(0xc0);
        }
    }

    private static void be(ByteArrayOutputStream out, long v, int n) {
        for (int i = n - 1; i >= 0; i--) out.write((int) (v >>> (8 * i)) & 0xff);
    }

    static void bytes(ByteArrayOutputStream out, byte[] b, int off, int len) {
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            out.write(len);
        } else if (len <= 0xffff) {
            out.write(0xda);
            be(out, len, 2);
        } else {
            out.write(0xdb);
            be(out, len, 4);
        }
        out.write(b, off, len);
    }

    /** IS_INT64_EQUIVALENT: finite and equal to its int64 conversion. */
    static boolean int64Equivalent(double d) {
        return !Double.isInfinite(d) && !Double.isNaN(d) && d >= -9.223372036854775808E18 && d < 9.223372036854775808E18 && (double) (long) d == d;
    }

    static void number(ByteArrayOutputStream out, double d) {
        if (int64Equivalent(d)) {
            integer(out, (long) d);
            return;
        }
        float f = (float) d;
        if (d == (double) f) {
            out.write(0xca);
            be(out, Float.floatToRawIntBits(f) & 0xffffffffL, 4);
        } else {
            out.write(0xcb);
            be(out, LibFunction.luaNanBits(d), 8);
        }
    }

    static void integer(ByteArrayOutputStream out, long n) {
        if (n >= 0) {
            if (n <= 127) out.write((int) n);
            else if (n <= 0xff) { out.write(0xcc); be(out, n, 1); }
            else if (n <= 0xffff) { out.write(0xcd); be(out, n, 2); }
            else if (n <= 0xffffffffL) { out.write(0xce); be(out, n, 4); }
            else { out.write(0xcf); be(out, n, 8); }
        } else {
            if (n >= -32) out.write((int) n & 0xff);
            else if (n >= -128) { out.write(0xd0); be(out, n, 1); }
            else if (n >= -32768) { out.write(0xd1); be(out, n, 2); }
            else if (n >= -2147483648L) { out.write(0xd2); be(out, n, 4); }
            else { out.write(0xd3); be(out, n, 8); }
        }
    }

    private static void header(ByteArrayOutputStream out, long n, int fix, int b16) {
        if (n <= 15) out.write(fix | (int) n);
        else if (n <= 65535) { out.write(b16); be(out, n, 2); }
        else { out.write(b16 + 1); be(out, n, 4); }
    }

    static void table(ByteArrayOutputStream out, LuaTable t, int level) {
        // table_is_an_array: every key a positive int-sized integer and max == count.
        int count = 0;
        double max = 0;
        boolean array = true;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            k = e.arg1();
            if (k.isnil()) break;
            double n;
            if (k.type() != LuaValue.TNUMBER || (n = k.todouble()) <= 0 || (double) (int) n != n) { array = false; break; }
            if (n > max) max = n;
            count++;
        }
        if (array && max == count) {
            header(out, count, 0x90, 0xdc);
            for (int j = 1; j <= count; j++) encode(out, t.get(j), level + 1);
            return;
        }
        List<LuaValue> entries = new ArrayList<>();
        k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            k = e.arg1();
            if (k.isnil()) break;
            entries.add(k);
            entries.add(e.arg(2));
        }
        header(out, entries.size() / 2, 0x80, 0xde);
        for (LuaValue v : entries) encode(out, v, level + 1);
    }

    // ------------------------------------------------------------------ decoding

    private static final class Eof extends RuntimeException {
        Eof() { super(null, null, false, false); }
    }

    private static final class BadFormat extends RuntimeException {
        BadFormat() { super(null, null, false, false); }
    }

    private static final class Cursor {
        final byte[] b;
        int p;
        final int end;

        Cursor(byte[] b, int p) {
            this.b = b;
            this.p = p;
            this.end = b.length;
        }

        int left() { return end - p; }

        void need(long n) { if (left() < n) throw new Eof(); }

        int u8(int i) { return b[p + i] & 0xff; }

        long be(int i, int n) {
            long v = 0;
            for (int j = 0; j < n; j++) v = (v << 8) | u8(i + j);
            return v;
        }
    }

    static Varargs unpack(LibFunction f, Varargs a, long limit, long offset) {
        LuaString s = f.checkString(a, 1);
        byte[] data = LuaConv.bytesOf(s);
        int len = data.length;
        boolean all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            throw f.fail("Invalid request to unpack with offset of " + (int) offset + " and limit of " + len + ".");
        } else if (offset > len) {
            throw f.fail("Start offset " + (int) offset + " greater than input length " + len + ".");
        }
        if (all) limit = Integer.MAX_VALUE;
        Cursor c = new Cursor(data, (int) offset);
        List<LuaValue> out = new ArrayList<>();
        try {
            for (int cnt = 0; c.left() > 0 && cnt < limit; cnt++) out.add(decode(c));
        } catch (Eof e) {
            throw f.fail("Missing bytes in input.");
        } catch (BadFormat e) {
            throw f.fail("Bad data format in input.");
        }
        if (!all) out.add(0, LuaValue.valueOf(c.left() == 0 ? -1 : len - c.left()));
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    private static LuaValue str(Cursor c, int hdr, long l) {
        c.need(hdr + l);
        LuaValue v = LuaValue.valueOf(java.util.Arrays.copyOfRange(c.b, c.p + hdr, c.p + hdr + (int) l));
        c.p += hdr + (int) l;
        return v;
    }

    private static LuaValue array(Cursor c, long n) {
        LuaTable t = new LuaTable();
        for (int i = 1; n-- > 0; i++) {
            LuaValue v = decode(c);
            if (!v.isnil()) t.rawset(i, v);
        }
        return t;
    }

    private static LuaValue map(Cursor c, long n) {
        LuaTable t = new LuaTable();
        while (n-- > 0) {
            LuaValue k = decode(c);
            LuaValue v = decode(c);
            if (k.isnil()) throw new org.luaj.vm2.LuaError("table index is nil");
            t.rawset(k, v);
        }
        return t;
    }

    static LuaValue decode(Cursor c) {
        c.need(1);
        int t = c.u8(0);
        switch (t) {
            case 0xcc: c.need(2); { LuaValue v = LuaValue.valueOf(c.u8(1)); c.p += 2; return v; }
            case 0xd0: c.need(2); { LuaValue v = LuaValue.valueOf((byte) c.u8(1)); c.p += 2; return v; }
            case 0xcd: c.need(3); { LuaValue v = LuaValue.valueOf((int) c.be(1, 2)); c.p += 3; return v; }
            case 0xd1: c.need(3); { LuaValue v = LuaValue.valueOf((short) c.be(1, 2)); c.p += 3; return v; }
            case 0xce: c.need(5); { LuaValue v = LuaValue.valueOf((double) c.be(1, 4)); c.p += 5; return v; }
            case 0xd2: c.need(5); { LuaValue v = LuaValue.valueOf((int) c.be(1, 4)); c.p += 5; return v; }
            case 0xcf: c.need(9); { LuaValue v = LuaValue.valueOf((double) c.be(1, 8)); c.p += 9; return v; }
            case 0xd3: c.need(9); { LuaValue v = LuaValue.valueOf((double) c.be(1, 8)); c.p += 9; return v; }
            case 0xc0: c.p++; return LuaValue.NIL;
            case 0xc3: c.p++; return LuaValue.TRUE;
            case 0xc2: c.p++; return LuaValue.FALSE;
            case 0xca: c.need(5); { LuaValue v = LuaValue.valueOf((double) Float.intBitsToFloat((int) c.be(1, 4))); c.p += 5; return v; }
            case 0xcb: c.need(9); { LuaValue v = LuaValue.valueOf(Double.longBitsToDouble(c.be(1, 8))); c.p += 9; return v; }
            case 0xd9: c.need(2); return str(c, 2, c.u8(1));
            case 0xda: c.need(3); return str(c, 3, c.be(1, 2));
            case 0xdb: c.need(5); return str(c, 5, c.be(1, 4));
            case 0xdc: c.need(3); { long n = c.be(1, 2); c.p += 3; return array(c, n); }
            case 0xdd: c.need(5); { long n = c.be(1, 4); c.p += 5; return array(c, n); }
            case 0xde: c.need(3); { long n = c.be(1, 2); c.p += 3; return map(c, n); }
            case 0xdf: c.need(5); { long n = c.be(1, 4); c.p += 5; return map(c, n); }
            default:
                if ((t & 0x80) == 0) { c.p++; return LuaValue.valueOf(t); }
                if ((t & 0xe0) == 0xe0) { c.p++; return LuaValue.valueOf((byte) t); }
                if ((t & 0xe0) == 0xa0) return str(c, 1, t & 0x1f);
                if ((t & 0xf0) == 0x90) { c.p++; return array(c, t & 0xf); }
                if ((t & 0xf0) == 0x80) { c.p++; return map(c, t & 0xf); }
                throw new BadFormat();
        }
    }
}
