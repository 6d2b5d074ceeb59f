package io.vermilion.scripting;

import io.vermilion.server.Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis 7.0 functions (functions.c, function_lua.c): libraries loaded with FUNCTION LOAD from
 * code starting with {@code #!lua name=<lib>}, whose top-level code calls
 * redis.register_function; FCALL runs a registered function with its KEYS and ARGV tables as
 * arguments. All libraries share one Lua engine (separate from EVAL's). While the library code
 * runs, its globals only hold {@code redis} with register_function, log and the version
 * fields; afterwards the functions see the full API.
 */
public final class Functions {
    /** A registered function. */
    public static final class Fn {
        public final String name;
        public final byte[] description;
        public final int flags;
        final LuaFunction callback;
        public final Library library;
        Fn(String name, byte[] description, int flags, LuaFunction callback, Library library) {
            this.name = name; this.description = description; this.flags = flags; this.callback = callback; this.library = library;
        }
    }

    /** A loaded library: its name, full code (with the shebang) and functions. */
    public static final class Library {
        public final String name;
        public final byte[] code;
        public final Map<String, Fn> functions = new LinkedHashMap<>();
        Library(String name, byte[] code) { this.name = name; this.code = code; }
    }

    private final Scripting scripting;
    private LuaEngine engine;
    private LuaTable envMeta;
    private LuaTable env;
    private LuaTable loadApi;
    final Map<String, Library> libraries = new LinkedHashMap<>();
    final Map<String, Fn> functions = new LinkedHashMap<>();
    private Library loading;            // the library whose code runs now (FUNCTION LOAD)
    long loadDeadlineNanos;             // FUNCTION LOAD timeout (500 ms), 0 when none

    Functions(Scripting scripting) { this.scripting = scripting; }

    public Map<String, Library> libraries() { return libraries; }
    public Map<String, Fn> functions() { return functions; }

    private LuaEngine engine() {
        if (engine == null) {
            engine = scripting.newEngine(true);
            LuaTable redis = new LuaTable();
            redis.rawset("register_function", new VarArgFunction() {
                @Override public Varargs invoke(Varargs a) {
                    scripting.api.registerFunction(a);
                    return NONE;
                }
            });
            LuaEngine.logFunctions(redis, scripting.api);
            LuaEngine.version(redis);
            LuaTable errMeta = new LuaTable();
            errMeta.rawset(LuaValue.INDEX, LuaEngine.NONEXISTENT);
            LuaTable api = new LuaTable();
            ReadOnlyTable roRedis = ReadOnlyTable.copyOf(redis);
            roRedis.setmetatableUnlocked(ReadOnlyTable.copyOf(errMeta));
            api.rawset("redis", roRedis);
            ReadOnlyTable roApi = ReadOnlyTable.copyOf(api);
            roApi.setmetatableUnlocked(ReadOnlyTable.copyOf(errMeta));
            loadApi = roApi;
            envMeta = new LuaTable();
            envMeta.rawset(LuaValue.INDEX, engine.globals);
            // The environment of library code is a Globals (empty, locked, reading through
            // envMeta), so that luaj runs its closures with the hook (luaj hooks only closures
            // whose environment is a Globals).
            SandboxGlobals e = new SandboxGlobals();
            e.debuglib = engine.hook;
            e.running = engine.globals.running;
            e.setmetatable(envMeta);
            e.locked = true;
            env = e;
        }
        return engine;
    }

    // ------------------------------------------------------------------ load

    /** Thrown with the error text (without the leading "-", with its code) of a failed load. */
    static final class LoadError extends Exception {
        LoadError(String msg) { super(msg, null, false, false); }
    }

    /**
     * FUNCTION LOAD: compiles the library, runs its code to register functions, and links it
     * (replacing a library of the same name when {@code replace}). Returns the library name.
     */
    public String load(byte[] code, boolean replace, boolean timeout) throws LoadError {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') throw new LoadError("ERR Missing library metadata");
        int nl = -1;
        for (int i = 0; i < code.length; i++) if (code[i] == '\n') { nl = i; break; }
        if (nl < 0) throw new LoadError("ERR Invalid library metadata");
        List<String> parts;
        try {
            parts = io.vermilion.config.ArgSplitter.split(new String(code, 0, nl, StandardCharsets.ISO_8859_1));
        } catch (RuntimeException e) {
            parts = null;
        }
        if (parts == null || parts.isEmpty()) throw new LoadError("ERR Invalid library metadata");
        String engineName = parts.get(0).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i);
            if (p.regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) throw new LoadError("ERR Invalid metadata value, name argument was given multiple times");
                name = p.substring(5);
                continue;
            }
            throw new LoadError("ERR Invalid metadata value given: " + p);
        }
        if (name == null) throw new LoadError("ERR Library name was not given");
        if (!validName(name)) {
            throw new LoadError("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        if (!engineName.equalsIgnoreCase("lua")) throw new LoadError("ERR Engine '" + engineName + "' not found");
        Library old = libraries.get(name);
        if (old != null && !replace) throw new LoadError("ERR Library '" + name + "' already exists");
        Library lib = new Library(name, code);
        LuaEngine e = engine();
        LuaFunction chunk;
        try {
            chunk = e.compile(code, nl, "@user_function", env);
        } catch (LuaError err) {
            throw new LoadError("ERR Error compiling function: " + Scripting.compileMessage(err));
        }
        envMeta.rawset(LuaValue.INDEX, loadApi);
        loading = lib;
        loadDeadlineNanos = timeout ? System.nanoTime() + 500_000_000L : 0;
        e.hook.reset();
        try {
            chunk.call();
        } catch (LuaError err) {
            LuaValue m = err.getMessageObject();
            String msg;
            if (m != null && m.istable()) {
                LuaValue ev = m.get(LuaConv.ERR);
                msg = ev.isstring() ? LuaConv.latin1(ev) : "(null)";
            } else {
                String s = m != null && m.isstring() ? LuaConv.latin1(m) : String.valueOf(err.getMessage());
                msg = "ERR " + Scripting.luaPosition(Scripting.stripTraceback(s));
            }
            throw new LoadError("ERR Error registering functions: " + msg);
        } catch (ScriptKilled k) {
            throw new LoadError("ERR Error registering functions: ERR FUNCTION LOAD timeout");
        } finally {
            loading = null;
            loadDeadlineNanos = 0;
            envMeta.rawset(LuaValue.INDEX, e.globals);
        }
        if (lib.functions.isEmpty()) throw new LoadError("ERR No functions registered");
        for (Fn f : lib.functions.values()) {
            Fn existing = functions.get(f.name);
            if (existing != null && existing.library != old) throw new LoadError("ERR Function " + f.name + " already exists");
        }
        if (old != null) unlink(old);
        link(lib);
        return name;
    }

    private void link(Library lib) {
        libraries.put(lib.name, lib);
        for (Fn f : lib.functions.values()) functions.put(f.name, f);
    }

    private void unlink(Library lib) {
        libraries.remove(lib.name);
        for (Fn f : lib.functions.values()) functions.remove(f.name);
    }

    public boolean delete(String name) {
        Library lib = libraries.get(name);
        if (lib == null) return false;
        unlink(lib);
        return true;
    }

    public void flush() {
        libraries.clear();
        functions.clear();
        engine = null;
    }

    static boolean validName(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
        }
        return true;
    }

    /** True while a FUNCTION LOAD runs past its 500 ms budget. */
    boolean loadTimedOut() {
        return loadDeadlineNanos != 0 && System.nanoTime() > loadDeadlineNanos;
    }

    void registerFunction(Varargs a) {
        Library lib = loading;
        if (lib == null) LuaEngine.raise("redis.register_function can only be called on FUNCTION LOAD command");
        int argc = a.narg();
        if (argc < 1 || argc > 2) LuaEngine.raise("wrong number of arguments to redis.register_function");
        String name;
        byte[] desc = null;
        LuaFunction cb;
        int flags = 0;
        if (argc == 1) {
            if (!a.arg1().istable()) {
                LuaEngine.raise("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            }
            LuaTable t = (LuaTable) a.arg1();
            name = null;
            cb = null;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs e = t.next(k);
                k = e.arg1();
                if (k.isnil()) break;
                LuaValue v = e.arg(2);
                if (k.type() != LuaValue.TSTRING) LuaEngine.raise("named argument key given to redis.register_function is not a string");
                String key = LuaConv.latin1(k);
                if (key.equalsIgnoreCase("function_name")) {
                    if (v.type() != LuaValue.TSTRING) LuaEngine.raise("function_name argument given to redis.register_function must be a string");
                    name = LuaConv.latin1(v);
                } else if (key.equalsIgnoreCase("description")) {
                    if (v.type() != LuaValue.TSTRING) LuaEngine.raise("description argument given to redis.register_function must be a string");
                    desc = LuaConv.bytesOf(v.checkstring());
                } else if (key.equalsIgnoreCase("callback")) {
                    if (!v.isfunction()) LuaEngine.raise("callback argument given to redis.register_function must be a function");
                    cb = (LuaFunction) v;
                } else if (key.equalsIgnoreCase("flags")) {
                    if (!v.istable()) LuaEngine.raise("flags argument to redis.register_function must be a table representing function flags");
                    LuaTable ft = (LuaTable) v;
                    for (int i = 1; !ft.rawget(i).isnil(); i++) {
                        LuaValue fv = ft.rawget(i);
                        int bit = fv.type() == LuaValue.TSTRING ? Scripting.flagBit(LuaConv.latin1(fv)) : 0;
                        if (bit == 0) LuaEngine.raise("unknown flag given");
                        flags |= bit;
                    }
                } else {
                    LuaEngine.raise("unknown argument given to redis.register_function");
                }
            }
            if (name == null) LuaEngine.raise("redis.register_function must get a function name argument");
            if (cb == null) LuaEngine.raise("redis.register_function must get a callback argument");
        } else {
            if (!a.arg1().isstring()) LuaEngine.raise("first argument to redis.register_function must be a string");
            if (!a.arg(2).isfunction()) LuaEngine.raise("second argument to redis.register_function must be a function");
            name = LuaConv.latin1(a.arg1().tostring());
            cb = (LuaFunction) a.arg(2);
        }
        if (!validName(name)) {
            LuaEngine.raise("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        if (lib.functions.containsKey(name)) LuaEngine.raise("Function already exists in the library");
        lib.functions.put(name, new Fn(name, desc, flags, cb, lib));
    }

    // ------------------------------------------------------------------ FCALL

    public void fcall(Client c, byte[][] argv, boolean ro) {
        Scripting s = scripting;
        if (!s.server.monitors().isEmpty()) s.server.feedMonitors(c, argv);
        Fn f = functions.get(new String(argv[1], StandardCharsets.ISO_8859_1));
        if (f == null) {
            s.server.error(c, "ERR Function not found");
            return;
        }
        long[] out = new long[1];
        if (!io.vermilion.util.Numbers.parseLong(argv[2], out)) {
            s.server.error(c, "ERR Bad number of keys provided");
            return;
        }
        long numkeys = out[0];
        if (numkeys > argv.length - 3) {
            s.server.error(c, "ERR Number of keys can't be greater than number of args");
            return;
        } else if (numkeys < 0) {
            s.server.error(c, "ERR Number of keys can't be negative");
            return;
        }
        Scripting.Run run = s.prepare(c, f.name, false, f.flags, ro);
        if (run == null) return;
        run.argv = argv;
        int nk = (int) numkeys;
        if (nk > 0) run.slot = s.server.keyspace().slotOf(argv[3]);
        s.execute(c, run, engine(), f.callback,
                LuaValue.varargsOf(Scripting.array(argv, 3, nk), Scripting.array(argv, 3 + nk, argv.length - 3 - nk)));
    }

    /** Libraries in load order (FUNCTION DUMP, RDB, AOF rewrite). */
    public List<byte[]> codes() {
        List<byte[]> l = new ArrayList<>();
        for (Library lib : libraries.values()) l.add(lib.code);
        return l;
    }
}
