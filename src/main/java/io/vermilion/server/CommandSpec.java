package io.vermilion.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the node knows about one command: the metadata Redis 7.0 publishes through COMMAND
 * (arity, flags, ACL categories, tips, key specs, subcommands, docs) and the handler. Each command
 * family declares its specs next to its handlers; COMMAND, the dispatcher's arity/auth/slot checks
 * and key extraction all read this one table.
 */
public final class CommandSpec {
    /** Command flags, in the order Redis prints them. */
    public enum Flag {
        WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE,
        SKIP_MONITOR, SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, SENTINEL, ONLY_SENTINEL,
        NO_MANDATORY_KEYS, PROTECTED, MODULE_GETKEYS, MODULE_NO_CLUSTER, NO_ASYNC_LOADING, NO_MULTI,
        MOVABLE_KEYS, ALLOW_BUSY;

        public String wireName() {
            return this == MOVABLE_KEYS ? "movablekeys" : name().toLowerCase();
        }

        /**
         * Whether COMMAND INFO shows this flag. Redis 7.0 keeps may_replicate, sentinel,
         * only_sentinel and protected to itself, and the module flags never appear on our commands.
         */
        public boolean visible() {
            switch (this) {
                case MAY_REPLICATE: case SENTINEL: case ONLY_SENTINEL: case PROTECTED:
                case MODULE_GETKEYS: case MODULE_NO_CLUSTER:
                    return false;
                default:
                    return true;
            }
        }
    }

    /** One key of a request: its argv position and its key-spec flags (COMMAND GETKEYSANDFLAGS). */
    public record KeyRef(int pos, List<String> flags) {}

    /**
     * Finds the keys of a request for commands whose keys or key flags depend on the arguments
     * (Redis's getkeys_proc, e.g. SET with GET, SORT with STORE). Returns null when argv does not
     * make sense for the command.
     */
    @FunctionalInterface
    public interface KeysProc {
        List<KeyRef> keys(byte[][] argv);
    }

    /** ACL categories, in Redis's order. */
    public enum Acl {
        KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM,
        PUBSUB, ADMIN, FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING
    }

    final String name;          // lowercase, e.g. "get" or for a subcommand "setname"
    final String fullName;      // "get", "client|setname"
    final int arity;
    final EnumSet<Flag> flags;
    final EnumSet<Acl> acl;
    final List<String> tips;
    final List<KeySpec> keySpecs;
    final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    final CommandHandler handler;
    final KeysProc keysProc;
    final String group, since, summary, complexity;
    // legacy (first, last, step) derived from the key specs as Redis 7.0 does
    int legacyFirst, legacyLast, legacyStep;
    CommandSpec parent;
    int aclId = -1;             // index in the ACL command bitmaps (io.vermilion.acl)

    // statistics (INFO commandstats)
    long calls, usec, rejectedCalls, failedCalls;
    /** Latency distribution in nanoseconds (INFO latencystats, LATENCY HISTOGRAM); made on first call. */
    org.HdrHistogram.Histogram latency;

    private CommandSpec(Builder b, String fullName) {
        this.name = b.name;
        this.fullName = fullName;
        this.arity = b.arity;
        this.flags = b.flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(b.flags);
        this.acl = EnumSet.noneOf(Acl.class);
        this.acl.addAll(b.acl);
        this.tips = List.copyOf(b.tips);
        this.keySpecs = List.copyOf(b.keySpecs);
        this.handler = b.handler;
        this.keysProc = b.keysProc;
        this.group = b.group;
        this.since = b.since;
        this.summary = b.summary;
        this.complexity = b.complexity;
        implicitAcl();
        legacyRange();
    }

    public String name() { return name; }
    public String fullName() { return fullName; }
    public int arity() { return arity; }
    public boolean has(Flag f) { return flags.contains(f); }
    public List<KeySpec> keySpecs() { return keySpecs; }
    public Map<String, CommandSpec> subcommands() { return Collections.unmodifiableMap(subcommands); }
    public CommandHandler handler() { return handler; }
    public boolean isContainer() { return !subcommands.isEmpty(); }
    public java.util.Set<Flag> flags() { return Collections.unmodifiableSet(flags); }
    public java.util.Set<Acl> aclCategories() { return Collections.unmodifiableSet(acl); }
    public List<String> tips() { return tips; }
    public int legacyFirst() { return legacyFirst; }
    public int legacyLast() { return legacyLast; }
    public int legacyStep() { return legacyStep; }
    public CommandSpec parent() { return parent; }
    /** This command's bit in ACL command bitmaps, assigned by the ACL (-1 before). */
    public int aclId() { return aclId; }
    public void aclId(int id) { aclId = id; }
    public KeysProc keysProc() { return keysProc; }
    public String group() { return group; }
    public String since() { return since; }
    public String summary() { return summary; }
    public String complexity() { return complexity; }
    /** Whether the command has keys at all (Redis's doesCommandHaveKeys). */
    public boolean hasKeys() { return keysProc != null || !keySpecs.isEmpty(); }
    public long calls() { return calls; }
    public long usec() { return usec; }
    public long rejectedCalls() { return rejectedCalls; }
    public long failedCalls() { return failedCalls; }
    public void resetStats() {
        calls = usec = rejectedCalls = failedCalls = 0;
        latency = null;
    }

    /** The latency histogram (ns), or null if the command never ran since the last reset. */
    public org.HdrHistogram.Histogram latencyHistogram() { return latency; }

    void recordLatency(long nanos) {
        // Redis's range (1 ns .. 1 s, 2 significant digits); longer calls count as 1 s.
        if (latency == null) latency = new org.HdrHistogram.Histogram(1, 1_000_000_000L, 2);
        latency.recordValue(Math.max(1, Math.min(nanos, 1_000_000_000L)));
    }

    /** Redis's setImplicitACLCategories. */
    private void implicitAcl() {
        if (flags.contains(Flag.WRITE)) acl.add(Acl.WRITE);
        if (flags.contains(Flag.READONLY) && !acl.contains(Acl.SCRIPTING)) acl.add(Acl.READ);
        if (flags.contains(Flag.ADMIN)) { acl.add(Acl.ADMIN); acl.add(Acl.DANGEROUS); }
        if (flags.contains(Flag.PUBSUB)) acl.add(Acl.PUBSUB);
        if (flags.contains(Flag.FAST)) acl.add(Acl.FAST);
        if (flags.contains(Flag.BLOCKING)) acl.add(Acl.BLOCKING);
        if (!acl.contains(Acl.FAST)) acl.add(Acl.SLOW);
    }

    /**
     * The (first, last, step) triple of COMMAND INFO, derived from the key specs: one index+range
     * spec is used as is; several are merged only when they are contiguous with step 1; keyword
     * or keynum specs make the keys "movable".
     */
    private void legacyRange() {
        boolean movable = false;
        for (KeySpec k : keySpecs) if (!k.isIndexRange() || k.fkUnknown) movable = true;
        if (movable && !flags.contains(Flag.MODULE)) flags.add(Flag.MOVABLE_KEYS);
        if (keySpecs.isEmpty()) return;
        if (keySpecs.size() == 1 && keySpecs.get(0).isIndexRange()) {
            KeySpec k = keySpecs.get(0);
            set(k.bsIndex, k.lastKey, k.keyStep, k.limit);
            return;
        }
        int first = Integer.MAX_VALUE;
        long lastUnsigned = 0;
        int prevLast = 0;
        for (KeySpec k : keySpecs) {
            if (!k.isIndexRange()) continue;
            if (k.keyStep != 1 || (prevLast != 0 && prevLast != k.bsIndex - 1)) return;
            first = Math.min(first, k.bsIndex);
            int abs = k.lastKey;
            if (abs >= 0) abs += k.bsIndex;
            lastUnsigned = Math.max(lastUnsigned, Integer.toUnsignedLong(abs));
            prevLast = (int) lastUnsigned;
        }
        if (first == Integer.MAX_VALUE) return;
        int last = (int) lastUnsigned;
        set(first, last < 0 ? last : last - first, 1, 0);
    }

    private void set(int pos, int lastRel, int step, int limit) {
        legacyFirst = pos;
        if (lastRel >= 0) legacyLast = pos + lastRel;
        else legacyLast = lastRel;
        legacyStep = step;
        if (limit > 1) { legacyLast = -1; } // Redis reports "all the rest" for limited ranges
    }

    /**
     * The keys of this request with their flags, from the command's KeysProc or else its key
     * specs (NOT_KEY specs excluded); null when argv does not fit the specs.
     */
    public List<KeyRef> keyRefs(byte[][] argv) {
        if (keysProc != null) return keysProc.keys(argv);
        List<KeyRef> out = new ArrayList<>();
        List<Integer> pos = new ArrayList<>();
        for (KeySpec k : keySpecs) {
            if (k.flags.contains("NOT_KEY")) continue;
            pos.clear();
            if (!k.positions(argv, pos)) return null;
            for (int p : pos) out.add(new KeyRef(p, k.flags));
        }
        return out;
    }

    /** Positions in argv of the keys of this request (empty for keyless commands). */
    public List<Integer> keyPositions(byte[][] argv) {
        if (keysProc != null) {
            List<KeyRef> refs = keysProc.keys(argv);
            if (refs == null) return null;
            List<Integer> out = new ArrayList<>(refs.size());
            for (KeyRef r : refs) out.add(r.pos());
            return out;
        }
        List<Integer> out = new ArrayList<>();
        for (KeySpec k : keySpecs) {
            if (k.flags.contains("NOT_KEY")) continue;
            if (!k.positions(argv, out)) { out.clear(); return null; }
        }
        return out;
    }

    // ------------------------------------------------------------------ builder

    public static Builder cmd(String name, int arity) {
        return new Builder(name, arity);
    }

    /** Fluent construction of a spec; finished by {@link CommandTable#add(Builder)}. */
    public static final class Builder {
        final String name;
        final int arity;
        final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
        final EnumSet<Acl> acl = EnumSet.noneOf(Acl.class);
        final List<String> tips = new ArrayList<>();
        final List<KeySpec> keySpecs = new ArrayList<>();
        final List<Builder> subs = new ArrayList<>();
        CommandHandler handler;
        KeysProc keysProc;
        String group = "generic", since = "1.0.0", summary = "", complexity = "";

        Builder(String name, int arity) {
            this.name = name.toLowerCase();
            this.arity = arity;
        }

        public Builder flags(Flag... fs) { flags.addAll(List.of(fs)); return this; }
        public Builder acl(Acl... as) { acl.addAll(List.of(as)); return this; }
        public Builder tips(String... ts) { tips.addAll(List.of(ts)); return this; }
        public Builder key(KeySpec k) { keySpecs.add(k); return this; }
        public Builder handler(CommandHandler h) { handler = h; return this; }
        public Builder sub(Builder s) { subs.add(s); return this; }
        /** Argument-dependent key finding, for commands Redis gives a getkeys_proc. */
        public Builder keys(KeysProc p) { keysProc = p; return this; }
        public Builder doc(String group, String since, String summary, String complexity) {
            this.group = group; this.since = since; this.summary = summary; this.complexity = complexity;
            return this;
        }

        CommandSpec build(CommandSpec parent) {
            CommandSpec s = new CommandSpec(this, parent == null ? name : parent.name + "|" + name);
            s.parent = parent;
            for (Builder b : subs) {
                CommandSpec sub = b.build(s);
                s.subcommands.put(sub.name, sub);
            }
            return s;
        }
    }
}
