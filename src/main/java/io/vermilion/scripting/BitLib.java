package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code bit} library Redis bundles (LuaBitOp 1.0): 32-bit operations on numbers, results
 * as signed 32-bit integers; tohex(x [,n]) with n hex digits (negative n: upper case).
 * Arguments that are not numbers (or numeric strings) raise LuaBitOp's "bad argument #N to
 * 'band' (number expected, got string)".
 */
final class BitLib {
    private BitLib() {}

    /** LuaBitOp's conversion: the number modulo 2^32, rounded half to even, as a signed 32-bit value. */
    static int tobit(double d) {
        double m = d % 4294967296.0;
        long l = (long) Math.rint(m);
        return (int) l;
    }

    private interface Op { int apply(LibFunction f, Varargs a); }

    private static int num(LibFunction f, Varargs a, int i) {
        return tobit(f.checkNumber(a, i));
    }

    private static void fn(LuaTable t, Hook hook, String name, Op op) {
        t.rawset(name, new LibFunction(name, hook) {
            @Override public Varargs invoke(Varargs a) { return LuaValue.valueOf(op.apply(this, a)); }
        });
    }

    static LuaTable create(Hook hook) {
        LuaTable t = new LuaTable();
        fn(t, hook, "tobit", (f, a) -> num(f, a, 1));
        fn(t, hook, "bnot", (f, a) -> ~num(f, a, 1));
        fn(t, hook, "band", (f, a) -> { int r = num(f, a, 1); for (int i = 2; i <= a.narg(); i++) r &= num(f, a, i); return r; });
        fn(t, hook, "bor", (f, a) -> { int r = num(f, a, 1); for (int i = 2; i <= a.narg(); i++) r |= num(f, a, i); return r; });
        fn(t, hook, "bxor", (f, a) -> { int r = num(f, a, 1); for (int i = 2; i <= a.narg(); i++) r ^= num(f, a, i); return r; });
        fn(t, hook, "lshift", (f, a) -> { int x = num(f, a, 1); return x << (num(f, a, 2) & 31); });
        fn(t, hook, "rshift", (f, a) -> { int x = num(f, a, 1); return x >>> (num(f, a, 2) & 31); });
        fn(t, hook, "arshift", (f, a) -> { int x = num(f, a, 1); return x >> (num(f, a, 2) & 31); });
        fn(t, hook, "rol", (f, a) -> { int x = num(f, a, 1); return Integer.rotateLeft(x, num(f, a, 2) & 31); });
        fn(t, hook, "ror", (f, a) -> { int x = num(f, a, 1); return Integer.rotateRight(x, num(f, a, 2) & 31); });
        fn(t, hook, "bswap", (f, a) -> Integer.reverseBytes(num(f, a, 1)));
        t.rawset("tohex", new LibFunction("tohex", hook) {
            @Override public Varargs invoke(Varargs a) {
                int b = num(this, a, 1);
                int n = a.narg() < 2 ? 8 : num(this, a, 2);
                String digits = "0123456789abcdef";
                if (n < 0) { n = -n; digits = "0123456789ABCDEF"; }
                if (n > 8) n = 8;
                StringBuilder sb = new StringBuilder();
                for (int i = n - 1; i >= 0; i--) sb.append(digits.charAt((b >>> (i * 4)) & 15));
                return LuaValue.valueOf(sb.toString());
            }
        });
        return t;
    }
}
