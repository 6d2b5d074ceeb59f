package io.vermilion.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A function of the libraries Redis bundles (cjson, cmsgpack, struct, bit) with Lua 5.1's
 * C-API argument checks and error texts: {@code luaL_error} prefixes the position of the Lua
 * code that called the function ("user_script:1: "), {@code luaL_argerror} words it "bad
 * argument #N to 'name' (...)". Called straight from pcall (pcall(cjson.decode, s)) the
 * caller is a C function in Lua 5.1 and the position is empty; {@link LuaEngine}'s pcall
 * handles that through {@link LibError#bare}.
 */
abstract class LibFunction extends VarArgFunction {
    final Hook hook;

    LibFunction(String name, Hook hook) {
        this.name = name;
        this.hook = hook;
    }

    /** A luaL_error raised by this function. */
    static final class LibError extends LuaError {
        final String bare;
        final String positioned;
        LibError(String positioned, String bare) {
            super(positioned);
            this.bare = bare;
            this.positioned = positioned;
            this.traceback = positioned; // luaj then adds no position of its own
        }
        @Override public String getMessage() { return positioned; }
        @Override public LuaValue getMessageObject() { return LuaValue.valueOf(positioned); }
    }

    LuaError fail(String msg) {
        String pos = "";
        if (hook != null) {
            String src = hook.source();
            if (src != null) {
                if (src.startsWith("@") || src.startsWith("=")) src = src.substring(1);
                pos = src + ":" + hook.line() + ": ";
            }
        }
        return new LibError(pos + msg, msg);
    }

    LuaError argError(int n, String msg) {
        return fail("bad argument #" + n + " to '" + name + "' (" + msg + ")");
    }

    LuaError typeError(Varargs a, int n, String expected) {
        return argError(n, expected + " expected, got " + typeName(a, n));
    }

    /** Lua 5.1 renders the NaN of 0/0 (x86's default NaN) with the sign bit set; luaj's is Java's canonical one. */
    static long luaNanBits(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits == 0x7ff8000000000000L ? 0xfff8000000000000L : bits;
    }

    static String typeName(Varargs a, int n) {
        if (n > a.narg()) return "no value";
        return a.arg(n).typename();
    }

    /** luaL_checknumber: numbers, and strings that convert to one. */
    double checkNumber(Varargs a, int n) {
        LuaValue v = a.arg(n);
        if (v.type() == LuaValue.TNUMBER) return v.todouble();
        if (v.type() == LuaValue.TSTRING) {
            LuaValue num = v.tonumber();
            if (!num.isnil()) return num.todouble();
        }
        throw typeError(a, n, "number");
    }

    /** luaL_checkinteger: the number truncated toward zero. */
    long checkInteger(Varargs a, int n) {
        return (long) checkNumber(a, n);
    }

    long optInteger(Varargs a, int n, long def) {
        return a.isnoneornil(n) ? def : checkInteger(a, n);
    }

    /** luaL_checklstring: strings, and numbers as Lua 5.1 prints them ("%.14g"). */
    LuaString checkString(Varargs a, int n) {
        LuaValue v = a.arg(n);
        if (v.type() == LuaValue.TSTRING) return v.checkstring();
        if (v.type() == LuaValue.TNUMBER) return LuaString.valueOf(LuaEngine.number14g(v.todouble()));
        throw typeError(a, n, "string");
    }

    /** The null lightuserdata (cjson.null): a value of type userdata that Redis replies as nil. */
    static final class LuaUserdataNull extends org.luaj.vm2.LuaUserdata {
        static final LuaUserdataNull NULL = new LuaUserdataNull();
        private LuaUserdataNull() { super(new Object()); }
        @Override public String tojstring() { return "userdata: (nil)"; }
    }
}
