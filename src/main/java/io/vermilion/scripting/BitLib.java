package io.vermilion.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code bit} library Redis bundles (LuaBitOp 1.0): 32-bit operations on numbers, results
 * as signed 32-bit integers; tohex(x [,n]) with n hex digits (negative n: upper case).
 */
final class BitLib {
    private BitLib() {}

    /** LuaBitOp's conversion: the number modulo 2^32, rounded, as a signed 32-bit value. */
    static int tobit(LuaValue v) {
        double d = v.checkdouble();
        double m = d % 4294967296.0;
        long l = (long) Math.rint(m);
        return (int) l;
    }

    private interface Op { int apply(Varargs a); }

    private static VarArgFunction fn(Op op) {
        return new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return LuaValue.valueOf(op.apply(a)); }
        };
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", fn(a -> tobit(a.arg1())));
        t.rawset("bnot", fn(a -> ~tobit(a.arg1())));
        t.rawset("band", fn(a -> { int r = tobit(a.arg1()); for (int i = 2; i <= a.narg(); i++) r &= tobit(a.arg(i)); return r; }));
        t.rawset("bor", fn(a -> { int r = tobit(a.arg1()); for (int i = 2; i <= a.narg(); i++) r |= tobit(a.arg(i)); return r; }));
        t.rawset("bxor", fn(a -> { int r = tobit(a.arg1()); for (int i = 2; i <= a.narg(); i++) r ^= tobit(a.arg(i)); return r; }));
        t.rawset("lshift", fn(a -> tobit(a.arg1()) << (tobit(a.arg(2)) & 31)));
        t.rawset("rshift", fn(a -> tobit(a.arg1()) >>> (tobit(a.arg(2)) & 31)));
        t.rawset("arshift", fn(a -> tobit(a.arg1()) >> (tobit(a.arg(2)) & 31)));
        t.rawset("rol", fn(a -> Integer.rotateLeft(tobit(a.arg1()), tobit(a.arg(2)) & 31)));
        t.rawset("ror", fn(a -> Integer.rotateRight(tobit(a.arg1()), tobit(a.arg(2)) & 31)));
        t.rawset("bswap", fn(a -> Integer.reverseBytes(tobit(a.arg1()))));
        t.rawset("tohex", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                int b = tobit(a.arg1());
                int n = a.isnoneornil(2) ? 8 : tobit(a.arg(2));
                boolean upper = false;
                if (n < 0) { n = -n; upper = true; }
                if (n > 8) n = 8;
                if (n == 0) n = 0;
                StringBuilder sb = new StringBuilder();
                String digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
                for (int i = n - 1; i >= 0; i--) sb.append(digits.charAt((b >>> (i * 4)) & 15));
                return LuaValue.valueOf(sb.toString());
            }
        });
        return t;
    }

    static LuaError error(String msg) { return new LuaError(msg); }
}
