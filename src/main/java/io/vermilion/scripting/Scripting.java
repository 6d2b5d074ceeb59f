package io.vermilion.scripting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.protocol.Reply;
import io.vermilion.server.BusyPump;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A node's scripting state (Redis's eval.c + script.c): the EVAL script cache, the functions
 * (see {@link Functions}), the script client that runs redis.call through the command table,
 * and the one script that may run at a time with its run context.
 *
 * <p>Everything runs on the node's command thread. A long script keeps that thread; its
 * instruction hook checks the time, and past busy-reply-threshold it serves other clients
 * through {@link BusyPump} (they get -BUSY, SCRIPT KILL / FUNCTION KILL work), as Redis does
 * with processEventsWhileBlocked.
 */
public final class Scripting {
    /** A cached EVAL script. */
    static final class EvalScript {
        final byte[] body;
        final int flags;
        final LuaFunction fn;
        EvalScript(byte[] body, int flags, LuaFunction fn) { this.body = body; this.flags = flags; this.fn = fn; }
    }

    /** Script flags (shebang flags= and function flags). */
    public static final int FLAG_NO_WRITES = 1, FLAG_ALLOW_OOM = 2, FLAG_ALLOW_STALE = 4,
            FLAG_NO_CLUSTER = 8, FLAG_ALLOW_CROSS_SLOT = 16, FLAG_EVAL_COMPAT = 32;
    static final String[] FLAG_NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    /** The context of the running script (Redis's scriptRunCtx). */
    public final class Run {
        final Client caller;
        final String funcName;      // sha for EVAL, function name for FCALL
        final boolean eval;
        final boolean readOnly;
        final boolean allowCrossSlot;
        final long startNanos = System.nanoTime();
        boolean writeDirty;
        boolean killed;
        boolean timedOut;
        int resp = 2;
        int replFlags = 3;
        int slot = -1;
        long lastPumpNanos;
        byte[][] argv = new byte[0][];

        public String funcName() { return funcName; }
        public byte[][] command() { return argv; }
        public long durationMs() { return (System.nanoTime() - startNanos) / 1_000_000; }

        Run(Client caller, String funcName, boolean eval, boolean readOnly, boolean allowCrossSlot) {
            this.caller = caller;
            this.funcName = funcName;
            this.eval = eval;
            this.readOnly = readOnly;
            this.allowCrossSlot = allowCrossSlot;
        }
    }

    final Server server;
    private final Client scriptClient;
    private final ByteBuf scriptOut = Unpooled.buffer(1024);
    private LuaEngine evalEngine;
    final Map<String, EvalScript> scripts = new LinkedHashMap<>();
    long scriptsBodyBytes;
    Run running;
    private final java.util.Random random = new java.util.Random(0);
    final Functions functions;

    private Scripting(Server server) {
        this.server = server;
        this.scriptClient = server.newClient(null, new Reply(scriptOut));
        server.stats().totalConnections--; // not a connection (Redis's fake client)
        this.functions = new Functions(this);
        server.addInfoContributor("memory", f -> {
            f.put("number_of_cached_scripts", Integer.toString(scripts.size()));
            f.put("number_of_functions", Integer.toString(functions.functions().size()));
            f.put("number_of_libraries", Integer.toString(functions.libraries().size()));
        });
        // Function libraries travel in RDB files (FUNCTION2) and AOF rewrites (FUNCTION LOAD).
        server.keyspace().functionLibraries(new io.vermilion.keyspace.Keyspace.FunctionLibraries() {
            @Override public List<byte[]> codes() { return functions.codes(); }

            @Override public void loadFromRdb(byte[] code, boolean first) throws java.io.IOException {
                if (first) functions.flush();
                try {
                    functions.load(code, true, false);
                } catch (Functions.LoadError e) {
                    throw new java.io.IOException("Failed loading library from the RDB: " + e.getMessage());
                }
            }
        });
    }

    public static Scripting of(Server server) {
        return server.extension(Scripting.class, Scripting::new);
    }

    final LuaEngine.Api api = new LuaEngine.Api() {
        @Override public Varargs call(Varargs args, boolean raise) { return redisCall(args, raise); }
        @Override public boolean running() { return running != null; }
        @Override public void setResp(int resp) { running.resp = resp; }
        @Override public void setRepl(int flags) { running.replFlags = flags; }
        @Override public void log(int level, String msg) {
            server.log().log(io.vermilion.util.Log.Level.values()[level], msg);
        }
        @Override public void registerFunction(Varargs args) { functions.registerFunction(args); }
        @Override public java.util.Random random() { return random; }
    };

    LuaEngine evalEngine() {
        if (evalEngine == null) evalEngine = newEngine(false);
        return evalEngine;
    }

    LuaEngine newEngine(boolean functionsMode) {
        LuaEngine e = new LuaEngine(api, functionsMode);
        e.hook.check = this::hookCheck;
        return e;
    }

    public Run running() { return running; }

    /**
     * The client on whose behalf {@code c} runs a command: the script's caller when {@code c} is
     * the scripts' fake client during a run, else null (ACL checks made inside commands, such as
     * SORT's BY/GET patterns, look at the caller's user as Redis does).
     */
    public Client callerOf(Client c) {
        Run run = running;
        return run != null && c == scriptClient ? run.caller : null;
    }
    public boolean isRunning() { return running != null; }
    public Map<String, EvalScript> scripts() { return scripts; }
    public Functions functions() { return functions; }

    // ------------------------------------------------------------------ shebang

    /** Parses a "#!lua flags=..." first line; returns flags, or throws with Redis's error text. */
    static int[] shebang(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') return new int[] {FLAG_EVAL_COMPAT, 0};
        int nl = -1;
        for (int i = 0; i < body.length; i++) if (body[i] == '\n') { nl = i; break; }
        if (nl < 0) throw new ScriptError("ERR Invalid script shebang");
        String line = new String(body, 0, nl, StandardCharsets.ISO_8859_1);
        List<String> parts;
        try {
            parts = io.vermilion.config.ArgSplitter.split(line);
        } catch (RuntimeException e) {
            throw new ScriptError("ERR Invalid engine in script shebang");
        }
        if (parts == null || parts.isEmpty()) throw new ScriptError("ERR Invalid engine in script shebang");
        if (!parts.get(0).equals("#!lua")) throw new ScriptError("ERR Unexpected engine in script shebang: " + parts.get(0));
        int flags = 0;
        for (int j = 1; j < parts.size(); j++) {
            String p = parts.get(j);
            if (p.startsWith("flags=")) {
                String fs = p.substring(6);
                if (fs.isEmpty()) continue;
                for (String f : fs.split(",", -1)) {
                    int bit = flagBit(f);
                    if (bit == 0) throw new ScriptError("ERR Unexpected flag in script shebang: " + f);
                    flags |= bit;
                }
            } else {
                throw new ScriptError("ERR Unknown lua shebang option: " + p);
            }
        }
        return new int[] {flags, nl};
    }

    static int flagBit(String name) {
        for (int i = 0; i < FLAG_NAMES.length; i++) if (FLAG_NAMES[i].equals(name)) return 1 << i;
        return 0;
    }

    /** An error to answer the caller with (full text with code). */
    static final class ScriptError extends RuntimeException {
        ScriptError(String msg) { super(msg, null, false, false); }
    }

    // ------------------------------------------------------------------ EVAL

    /** Compiles and caches a script (SCRIPT LOAD, EVAL); returns its sha or replies an error and returns null. */
    public String createScript(Client c, byte[] body) {
        String sha = LuaEngine.sha1hex(body);
        if (scripts.containsKey(sha)) return sha;
        int[] sb;
        try {
            sb = shebang(body);
        } catch (ScriptError e) {
            server.error(c, e.getMessage());
            return null;
        }
        LuaFunction fn;
        try {
            // The shebang line is skipped but its newline kept, so line numbers stay right.
            fn = evalEngine().compile(body, sb[1], "@user_script", evalEngine().globals);
        } catch (LuaError e) {
            server.error(c, "ERR Error compiling script (new function): " + compileMessage(e));
            return null;
        }
        scripts.put(sha, new EvalScript(body, sb[0], fn));
        scriptsBodyBytes += body.length + 40;
        return sha;
    }

    /** luaj appends "\n" + traceback (null here: no debug library) to runtime error messages. */
    static String stripTraceback(String s) {
        if (s.endsWith("\nnull")) s = s.substring(0, s.length() - 5);
        int nl = s.indexOf("\nstack traceback");
        return nl >= 0 ? s.substring(0, nl) : s;
    }

    static String compileMessage(LuaError e) {
        String m = e.getMessage();
        if (m == null) return "";
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        return luaPosition(m);
    }

    private static final Pattern LUAJ_POS = Pattern.compile("^@?([A-Za-z_]+):(\\d+) ");

    /** luaj writes "@user_script:1 msg"; Lua 5.1 (and so Redis) "user_script:1: msg". */
    static String luaPosition(String m) {
        if (m == null) return "";
        Matcher mt = LUAJ_POS.matcher(m);
        if (mt.find()) return mt.group(1) + ":" + mt.group(2) + ": " + m.substring(mt.end());
        return m;
    }

    /** EVAL / EVALSHA / EVAL_RO / EVALSHA_RO. */
    public void eval(Client c, byte[][] argv, boolean evalsha, boolean ro) {
        if (!server.monitors().isEmpty()) server.feedMonitors(c, argv);
        Long numkeys = io.vermilion.commands.Args.longOrReply(c, argv[2]);
        if (numkeys == null) return;
        if (numkeys > argv.length - 3) {
            server.error(c, "ERR Number of keys can't be greater than number of args");
            return;
        } else if (numkeys < 0) {
            server.error(c, "ERR Number of keys can't be negative");
            return;
        }
        EvalScript s;
        String sha;
        if (evalsha) {
            sha = new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            s = argv[1].length == 40 ? scripts.get(sha) : null;
            if (s == null) {
                server.error(c, "NOSCRIPT No matching script. Please use EVAL.");
                return;
            }
        } else {
            sha = createScript(c, argv[1]);
            if (sha == null) return;
            s = scripts.get(sha);
        }
        int nk = (int) (long) numkeys;
        Run run = prepare(c, sha, true, s.flags, ro);
        if (run == null) return;
        run.argv = argv;
        if (nk > 0) run.slot = server.keyspace().slotOf(argv[3]);
        LuaEngine e = evalEngine();
        e.globals.setUnlocked("KEYS", array(argv, 3, nk));
        e.globals.setUnlocked("ARGV", array(argv, 3 + nk, argv.length - 3 - nk));
        execute(c, run, e, s.fn, null);
    }

    static LuaTable array(byte[][] argv, int from, int n) {
        LuaTable t = new LuaTable(n, 0);
        for (int i = 0; i < n; i++) t.rawset(i + 1, LuaConv.bytes(argv[from + i]));
        return t;
    }

    /** Redis's scriptPrepareForRun: the flag checks; returns null after replying an error. */
    Run prepare(Client c, String funcName, boolean eval, int flags, boolean ro) {
        if ((flags & FLAG_EVAL_COMPAT) == 0) {
            if ((flags & FLAG_NO_CLUSTER) != 0 && server.clusterEnabled()) {
                server.error(c, "ERR Can not run script on cluster, 'no-cluster' flag is set.");
                return null;
            }
            if ((flags & FLAG_NO_WRITES) == 0) {
                if (server.isReplica() && server.config().getBool("replica-read-only") && !c.isInternal()) {
                    server.error(c, "READONLY Can not run script with write flag on readonly replica");
                    return null;
                }
                if (ro) {
                    server.error(c, "ERR Can not execute a script with write flag using *_ro command.");
                    return null;
                }
            }
        }
        boolean readOnly = ro || ((flags & FLAG_EVAL_COMPAT) == 0 && (flags & FLAG_NO_WRITES) != 0);
        boolean cross = (flags & FLAG_EVAL_COMPAT) != 0 || (flags & FLAG_ALLOW_CROSS_SLOT) != 0;
        return new Run(c, funcName, eval, readOnly, cross);
    }

    /**
     * Runs a prepared script: the whole run is one propagation group (its writes reach AOF and
     * replicas as MULTI ... EXEC), then the reply or Redis's error text goes to the caller.
     */
    void execute(Client c, Run run, LuaEngine e, LuaFunction fn, Varargs args) {
        running = run;
        scriptClient.select(c.dbIndex());
        scriptClient.proto(2);
        scriptClient.readonly(c.readonly());
        scriptClient.user(c.user()); // Redis's fake client takes the caller's user (ACL WHOAMI, SORT BY/GET)
        boolean ownGroup = !server.inPropagationGroup();
        if (ownGroup) server.beginPropagationGroup();
        e.hook.reset();
        try {
            LuaValue result = args == null ? fn.call() : fn.invoke(args).arg1();
            LuaConv.toReply(c.reply(), result, run.resp, (msg, ignore) -> {
                if (ignore) c.reply().error(msg);
                else server.error(c, msg);
            });
        } catch (LuaError err) {
            replyError(c, run, e, err.getMessageObject(), err);
        } catch (ScriptKilled k) {
            LuaTable t = LuaConv.errorTable("Script killed by user with SCRIPT KILL...");
            replyError(c, run, e, t, null);
        } catch (StackOverflowError so) {
            replyError(c, run, e, LuaValue.valueOf("stack overflow"), null);
        } finally {
            running = null;
            if (run.timedOut) {
                server.busyError(null);
                server.log().warning("Slow script detected: still in execution after "
                        + (System.nanoTime() - run.startNanos) / 1_000_000 + " milliseconds. You can try killing the script using the "
                        + (run.eval ? "SCRIPT KILL" : "FUNCTION KILL") + " command. Script name is: " + run.funcName + ".");
            }
            if (ownGroup) server.endPropagationGroup();
            scriptOut.clear();
        }
        // Effects replication: the script's writes were propagated; EVAL itself is not.
        server.propagateInstead(c, List.of());
    }

    private void replyError(Client c, Run run, LuaEngine e, LuaValue m, LuaError err) {
        String msg;
        boolean ignore = false;
        if (m != null && m.istable()) {
            LuaValue ev = m.get(LuaConv.ERR);
            msg = ev.isstring() ? LuaConv.latin1(ev) : "(null)";
            ignore = m.get(LuaConv.IGNORE_STATS).toboolean();
        } else {
            String s;
            if (m != null && m.isstring()) s = LuaConv.latin1(m);
            else if (err != null && err.getMessage() != null) s = err.getMessage();
            else s = m == null ? "nil" : m.tojstring();
            s = stripTraceback(s);
            msg = "ERR " + luaPosition(s);
        }
        String source = e.hook.source();
        int line = e.hook.line();
        StringBuilder sb = new StringBuilder(msg);
        if (source != null) sb.append(" script: ").append(run.funcName).append(", on ").append(source).append(':').append(line).append('.');
        if (ignore) c.reply().error(sb.toString());
        else server.error(c, sb.toString());
    }

    // ------------------------------------------------------------------ redis.call

    private static final LuaString[] NO_STRINGS = new LuaString[0];

    Varargs redisCall(Varargs args, boolean raise) {
        Run run = running;
        if (run == null) LuaEngine.raise("redis.call/pcall can only be called inside a script invocation");
        int n = args.narg();
        if (n == 0) return fail(raise, "Please specify at least one argument for this redis lib call");
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = args.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) argv[i] = LuaConv.numberArg(v);
            else if (v.type() == LuaValue.TSTRING) argv[i] = LuaConv.bytesOf(v.checkstring());
            else return fail(raise, "Lua redis lib command arguments must be strings or integers");
        }
        CommandSpec spec = server.commands().lookup(argv[0]);
        if (spec != null && spec.isContainer() && n >= 2) {
            spec = spec.subcommands().get(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        }
        if (spec == null) return rejected(raise, "ERR Unknown Redis command called from script", null);
        int arity = spec.arity();
        if ((arity > 0 && n != arity) || n < -arity) return rejected(raise, "ERR Wrong number of args calling Redis command from script", spec);
        if (spec.has(CommandSpec.Flag.NOSCRIPT)) return rejected(raise, "ERR This Redis command is not allowed from script", spec);
        // ACL (Redis's scriptVerifyACL): the command runs with the caller's user; the master's
        // stream and internal callers (AOF loading) are not checked, as Redis's NULL user.
        io.vermilion.server.AccessControl access = server.access();
        if (access != null && !run.caller.isInternal() && !run.caller.isMaster()) {
            String denied = access.checkScript(run.caller, spec, argv);
            if (denied != null) return rejected(raise, "ERR " + denied, spec);
        }
        boolean write = spec.has(CommandSpec.Flag.WRITE);
        if (run.readOnly && (write || spec.has(CommandSpec.Flag.MAY_REPLICATE))) {
            return rejected(raise, "ERR Write commands are not allowed from read-only scripts.", spec);
        }
        if (write && !run.writeDirty && server.isReplica() && server.config().getBool("replica-read-only")
                && !run.caller.isInternal()) {
            return rejected(raise, "READONLY You can't write against a read only replica.", spec);
        }
        if (write) run.writeDirty = true;
        if (server.clusterEnabled() && !run.caller.isInternal() && server.router() != null) {
            List<Integer> pos = spec.keyPositions(argv);
            if (pos != null && !pos.isEmpty()) {
                // As Redis's scriptVerifyClusterState: the command must be one this node would
                // serve (one slot, served here; a CROSSSLOT command is a "non local key" too),
                // then its slot must be the script's unless allow-cross-slot-keys.
                int slot = -1;
                for (int p : pos) {
                    int s = server.keyspace().slotOf(argv[p]);
                    if ((slot != -1 && s != slot) || !server.router().servesSlot(s)) {
                        return rejected(raise, "ERR Script attempted to access a non local key in a cluster node", spec);
                    }
                    slot = s;
                }
                if (!run.allowCrossSlot) {
                    if (run.slot == -1) run.slot = slot;
                    else if (run.slot != slot) {
                        return rejected(raise, "ERR Script attempted to access keys that do not hash to the same slot", spec);
                    }
                }
            }
        }
        scriptOut.clear();
        scriptClient.proto(run.resp);
        int mark = server.propagationGroupSize();
        server.call(scriptClient, spec, argv);
        if (run.replFlags == 0) server.truncatePropagationGroup(mark);
        LuaValue r = LuaConv.fromResp(scriptOut);
        scriptOut.clear();
        if (raise && r.istable() && r.rawget(LuaConv.ERR).isstring()) throw new LuaError(r);
        return r;
    }

    private Varargs fail(boolean raise, String msg) {
        LuaTable t = LuaConv.errorTable(msg);
        if (raise) throw new LuaError(t);
        return t;
    }

    /** A refusal of redis.call before the command runs: counted in errorstats like the command's own errors. */
    private Varargs rejected(boolean raise, String err, CommandSpec spec) {
        server.stats().errorReplies++;
        int sp = err.indexOf(' ');
        server.errorStats().merge(err.substring(0, sp), 1L, Long::sum);
        LuaTable t = LuaConv.errorTable("-" + err);
        t.rawset(LuaConv.IGNORE_STATS, LuaValue.TRUE);
        if (raise) throw new LuaError(t);
        return t;
    }

    // ------------------------------------------------------------------ busy scripts

    private void hookCheck() {
        if (functions.loadTimedOut()) throw new ScriptKilled();
        Run run = running;
        if (run == null) return;
        if (run.killed) throw new ScriptKilled();
        long threshold = server.config().getLong("busy-reply-threshold");
        long now = System.nanoTime();
        if (threshold <= 0) return;
        long elapsedMs = (now - run.startNanos) / 1_000_000;
        if (elapsedMs < threshold) return;
        if (!run.timedOut) {
            run.timedOut = true;
            server.log().warning("Slow script detected: still in execution after " + elapsedMs
                    + " milliseconds. You can try killing the script using the "
                    + (run.eval ? "SCRIPT KILL" : "FUNCTION KILL") + " command. Script name is: " + run.funcName + ".");
            server.busyError(run.eval
                    ? "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
                    : "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
        }
        if (now - run.lastPumpNanos >= 2_000_000) {
            run.lastPumpNanos = now;
            BusyPump.pump(server, run.caller);
            if (run.killed) {
                evalEngineHookEveryInstruction();
                throw new ScriptKilled();
            }
        }
    }

    private void evalEngineHookEveryInstruction() {
        if (evalEngine != null) evalEngine.hook.checkEveryInstruction();
    }

    /** SCRIPT KILL (eval=true) / FUNCTION KILL. */
    public void kill(Client c, boolean eval) {
        Run run = running;
        if (run == null) {
            server.error(c, "NOTBUSY No scripts in execution right now.");
            return;
        }
        if (run.caller.isInternal()) {
            server.error(c, "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.");
            return;
        }
        if (run.writeDirty) {
            server.error(c, "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
            return;
        }
        if (eval && !run.eval) {
            server.error(c, "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            return;
        }
        if (!eval && run.eval) {
            server.error(c, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            return;
        }
        run.killed = true;
        c.reply().ok();
    }

    /** SCRIPT FLUSH: forget every cached script (a fresh interpreter, as Redis's scriptingReset). */
    public void flushScripts() {
        scripts.clear();
        scriptsBodyBytes = 0;
        evalEngine = null;
    }

    /** INFO memory: used_memory_lua and friends (an estimate: luaj has no allocator of its own). */
    public long luaMemory() { return 31744 + scriptsBodyBytes * 2; }
}
