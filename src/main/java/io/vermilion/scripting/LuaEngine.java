package io.vermilion.scripting;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua interpreter state set up as Redis 7.0 sets up its own (script_lua.c
 * luaRegisterRedisAPI): the base, table, string and math libraries plus cjson, struct,
 * cmsgpack and bit, the {@code redis} table, Redis's pcall, and the sandbox: no os/io/
 * loadfile/dofile/print, globals and library tables read-only, unknown globals an error.
 * EVAL scripts share one engine; functions (FUNCTION LOAD) another.
 *
 * <p>luaj implements Lua 5.2; what Lua 5.1 has and 5.2 lacks is put back (unpack, loadstring,
 * table.getn/maxn, math.mod, _VERSION "Lua 5.1"), see docs/scripting.md.
 */
final class LuaEngine {
    /** What the redis.* functions ask of the node. */
    interface Api {
        /** redis.call (raise=true) / redis.pcall. */
        Varargs call(Varargs args, boolean raise);
        /** Whether a script runs now (redis.call & co. refuse otherwise). */
        boolean running();
        void setResp(int resp);
        void setRepl(int flags);
        /** Logs at a Redis level (0 debug .. 3 warning). */
        void log(int level, String msg);
        /** redis.register_function while FUNCTION LOAD runs the library code. */
        void registerFunction(Varargs args);
        /** Lrand48-style generator for math.random. */
        java.util.Random random();
    }

    final SandboxGlobals globals = new SandboxGlobals();
    final Hook hook = new Hook();
    private final Api api;

    static final LuaString FUNCTION_NAME_UNUSED = LuaString.valueOf("");

    LuaEngine(Api api, boolean functions) {
        this.api = api;
        SandboxGlobals g = globals;
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new CoroutineLib());
        LoadState.install(g);
        LuaC.install(g);
        g.debuglib = hook;

        // Lua 5.1 names that 5.2 dropped.
        LuaTable table = (LuaTable) g.get("table");
        g.rawset("unpack", table.get("unpack"));
        table.rawset("getn", new OneArgFunction() {
            @Override public LuaValue call(LuaValue t) { return LuaValue.valueOf(t.checktable().length()); }
        });
        table.rawset("maxn", new OneArgFunction() {
            @Override public LuaValue call(LuaValue t) {
                double max = 0;
                LuaTable tt = t.checktable();
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs e = tt.next(k);
                    k = e.arg1();
                    if (k.isnil()) break;
                    if (k.type() == LuaValue.TNUMBER) max = Math.max(max, k.todouble());
                }
                return LuaValue.valueOf(max);
            }
        });
        ((LuaTable) g.get("string")).rawset("format", new StringFormat());
        LuaTable math = (LuaTable) g.get("math");
        math.rawset("mod", math.get("fmod"));
        if (math.get("log10").isnil()) {
            math.rawset("log10", new OneArgFunction() {
                @Override public LuaValue call(LuaValue x) { return LuaValue.valueOf(Math.log10(x.checkdouble())); }
            });
        }
        math.rawset("random", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!api.running()) throw new LuaError("math.random can only be called inside a script invocation");
                double r = api.random().nextDouble();
                switch (a.narg()) {
                    case 0: return LuaValue.valueOf(r);
                    case 1: {
                        int u = a.checkint(1);
                        if (u < 1) throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                        return LuaValue.valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = a.checkint(1), u = a.checkint(2);
                        if (l > u) throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                        return LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l);
                    }
                    default: throw new LuaError("wrong number of arguments");
                }
            }
        });
        math.rawset("randomseed", new OneArgFunction() {
            @Override public LuaValue call(LuaValue s) {
                if (!api.running()) throw new LuaError("math.randomseed can only be called inside a script invocation");
                api.random().setSeed(s.checkint());
                return NONE;
            }
        });
        LuaValue load = g.get("load");
        g.rawset("loadstring", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                LuaString code = a.checkstring(1);
                LuaValue name = a.arg(2).isnil() ? code : a.arg(2);
                return load.invoke(LuaValue.varargsOf(code, name));
            }
        });
        g.rawset("gcinfo", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                Runtime rt = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((rt.totalMemory() - rt.freeMemory()) / 1024));
            }
        });
        g.rawset("getfenv", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return globals; }
        });
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        // Lua 5.1 prints numbers with "%.14g" (luaj prints large ones as integers or "Infinity").
        LuaValue baseTostring = g.get("tostring");
        g.rawset("tostring", new OneArgFunction() {
            @Override public LuaValue call(LuaValue v) {
                if (v.type() == LuaValue.TNUMBER) return LuaValue.valueOf(number14g(v.todouble()));
                return baseTostring.call(v);
            }
        });
        // Redis's pcall: an error table raised by redis.call comes back as its err string.
        LuaValue basePcall = g.get("pcall");
        g.rawset("pcall", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.arg1() instanceof LibFunction) {
                    // Lua 5.1: called by pcall (a C function), luaL_error has no position to add.
                    try {
                        return LuaValue.varargsOf(LuaValue.TRUE, a.arg1().invoke(a.subargs(2)));
                    } catch (LibFunction.LibError e) {
                        return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(e.bare));
                    }
                }
                Varargs r = basePcall.invoke(a);
                if (!r.arg1().toboolean()) {
                    LuaValue err = r.arg(2);
                    if (err.istable()) {
                        LuaValue s = err.get(LuaConv.ERR);
                        if (s.isstring()) return LuaValue.varargsOf(LuaValue.FALSE, s);
                    } else if (err.type() == LuaValue.TSTRING) {
                        return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(Scripting.luaPosition(Scripting.stripTraceback(LuaConv.latin1(err)))));
                    }
                }
                return r;
            }
        });
        for (String name : new String[] {"print", "dofile", "loadfile", "require", "module", "package", "rawlen", "debug"}) {
            g.rawset(name, LuaValue.NIL);
        }

        g.rawset("bit", BitLib.create(hook));
        g.rawset("cjson", CjsonLib.create(hook));
        g.rawset("struct", StructLib.create(hook));
        g.rawset("cmsgpack", CmsgpackLib.create(hook));
        g.rawset("redis", redisTable(functions));

        // Lock everything: library tables become read-only copies, then the globals.
        for (String name : new String[] {"string", "math", "table", "coroutine", "bit", "cjson", "struct", "cmsgpack", "redis"}) {
            LuaValue t = g.rawget(name);
            if (t.istable()) g.rawset(name, ReadOnlyTable.copyOf((LuaTable) t));
        }
        LuaTable strMeta = new LuaTable();
        strMeta.rawset(LuaValue.INDEX, g.rawget("string"));
        LuaString.s_metatable = ReadOnlyTable.copyOf(strMeta);
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, NONEXISTENT);
        g.setmetatable(ReadOnlyTable.copyOf(meta));
        g.locked = true;
    }

    /** __index of a protected table: Redis's luaProtectedTableError. */
    static final LuaFunction NONEXISTENT = new TwoArgFunction() {
        @Override public LuaValue call(LuaValue t, LuaValue key) {
            throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
        }
    };

    static void raise(String err) {
        throw new LuaError(LuaConv.errorTable(err));
    }

    private LuaTable redisTable(boolean functions) {
        LuaTable r = new LuaTable();
        r.rawset("call", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return api.call(a, true); }
        });
        r.rawset("pcall", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return api.call(a, false); }
        });
        logFunctions(r, api);
        version(r);
        r.rawset("setresp", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!api.running()) raise("redis.setresp can only be called inside a script invocation");
                if (a.narg() != 1) raise("redis.setresp() requires one argument.");
                int resp = (int) a.arg1().todouble();
                if (resp != 2 && resp != 3) raise("RESP version must be 2 or 3.");
                api.setResp(resp);
                return NONE;
            }
        });
        r.rawset("sha1hex", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1) raise("wrong number of arguments");
                LuaValue v = a.arg1();
                byte[] b = v.isstring() ? LuaConv.bytesOf(v.checkstring()) : new byte[0];
                return LuaValue.valueOf(sha1hex(b));
            }
        });
        r.rawset("error_reply", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                    return LuaConv.errorTable("wrong number or type of arguments");
                }
                String e = LuaConv.latin1(a.arg1());
                return LuaConv.errorTable(e.startsWith("-") ? e : "-" + e);
            }
        });
        r.rawset("status_reply", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                    return LuaConv.errorTable("wrong number or type of arguments");
                }
                LuaTable t = new LuaTable();
                t.rawset(LuaConv.OK, a.arg1());
                return t;
            }
        });
        r.rawset("set_repl", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!api.running()) raise("redis.set_repl can only be called inside a script invocation");
                if (a.narg() != 1) raise("redis.set_repl() requires two arguments.");
                int flags = (int) a.arg1().todouble();
                if ((flags & ~3) != 0) raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
                api.setRepl(flags);
                return NONE;
            }
        });
        r.rawset("REPL_NONE", LuaValue.valueOf(0));
        r.rawset("REPL_AOF", LuaValue.valueOf(1));
        r.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        r.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        r.rawset("REPL_ALL", LuaValue.valueOf(3));
        r.rawset("acl_check_cmd", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!api.running()) raise("redis.acl_check_cmd can only be called inside a script invocation");
                if (a.narg() == 0) raise("Please specify at least one argument for this redis lib call");
                return LuaValue.TRUE; // no ACL users yet: the default user may run everything
            }
        });
        if (!functions) {
            r.rawset("breakpoint", new VarArgFunction() {
                @Override public Varargs invoke(Varargs a) { return LuaValue.FALSE; }
            });
            r.rawset("debug", new VarArgFunction() {
                @Override public Varargs invoke(Varargs a) { return NONE; }
            });
            r.rawset("replicate_commands", new VarArgFunction() {
                @Override public Varargs invoke(Varargs a) { return LuaValue.TRUE; }
            });
        }
        return r;
    }

    /** Lua 5.1's LUAI_NUMFFORMAT ("%.14g"), with glibc's inf/nan spellings. */
    static String number14g(double d) {
        if (Double.isNaN(d)) return LibFunction.luaNanBits(d) < 0 ? "-nan" : "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0 && 1 / d < 0) return "-0";
        if (d == Math.rint(d) && Math.abs(d) < 1e14) return Long.toString((long) d);
        return io.vermilion.util.Numbers.formatG(d, 14);
    }

    static void version(LuaTable r) {
        r.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(0x07000f));
        r.rawset("REDIS_VERSION", LuaValue.valueOf("7.0.15"));
    }

    static void logFunctions(LuaTable r, Api api) {
        r.rawset("log", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                int argc = a.narg();
                if (argc < 2) raise("redis.log() requires two arguments or more.");
                if (!a.arg1().isnumber()) raise("First argument must be a number (log level).");
                int level = (int) a.arg1().todouble();
                if (level < 0 || level > 3) raise("Invalid debug level.");
                StringBuilder sb = new StringBuilder();
                for (int j = 2; j <= argc; j++) {
                    LuaValue v = a.arg(j);
                    if (v.isstring()) {
                        if (j != 2) sb.append(' ');
                        sb.append(LuaConv.latin1(v.tostring()));
                    }
                }
                api.log(level, sb.toString());
                return NONE;
            }
        });
        r.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        r.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        r.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        r.rawset("LOG_WARNING", LuaValue.valueOf(3));
    }

    /** Compiles a chunk with this engine's globals (or {@code env}) as its environment. */
    LuaFunction compile(byte[] code, int offset, String chunkName, LuaTable env) {
        try {
            LuaValue f = globals.load(new ByteArrayInputStream(code, offset, code.length - offset), chunkName, "t", env);
            return (LuaFunction) f;
        } catch (LuaError e) {
            // luaj names tokens by number ("unexpected symbol 286 (\x1e)"); Lua 5.1 by text.
            String m = e.getMessage();
            if (m != null) {
                java.util.regex.Matcher mt = java.util.regex.Pattern.compile("unexpected symbol (\\d+) \\(.*\\)$").matcher(m);
                if (mt.find()) {
                    int tok = Integer.parseInt(mt.group(1));
                    String near = tok == 286 ? "<eof>" : tok < 256 ? String.valueOf((char) tok) : null;
                    if (near != null) throw new LuaError(m.substring(0, mt.start()) + "unexpected symbol near '" + near + "'");
                }
                m = m.replace("'<eos>'", "'<eof>'");
                throw new LuaError(m);
            }
            throw e;
        }
    }

    static String sha1hex(byte[] b) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(b);
            StringBuilder sb = new StringBuilder(40);
            for (byte x : d) {
                sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
