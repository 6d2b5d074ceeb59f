package io.vermilion.server;

import io.netty.channel.EventLoop;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one node that commands see: configuration, keyspace, command table, clients and
 * statistics. Everything here is owned by the node's single command thread (a Netty event loop),
 * so nothing is locked. No statics: one JVM can run several nodes.
 *
 * <p>{@link #dispatch} is the one place where the checks every command shares happen, driven by
 * the command specs: lookup, arity, authentication, loading, cluster redirection; then the
 * handler runs and the statistics (commandstats, slowlog, latency, MONITOR) are fed.
 */
public final class Server {
    /** Lets cluster mode intercept a request before it runs (MOVED/ASK/CROSSSLOT/CLUSTERDOWN). */
    public interface Router {
        /** Returns true if it replied instead of the command. */
        boolean redirect(Client c, CommandSpec spec, byte[][] argv);

        /**
         * Checks a queued command when EXEC runs it, for refusals that Redis makes inside the
         * command itself (SELECT/MOVE/SWAPDB in cluster mode) and so not at queue time. Returns
         * true if it replied instead of the command.
         */
        default boolean refuseQueued(Client c, CommandSpec spec, byte[][] argv) { return false; }

        /**
         * For a client blocked on key (Redis 7.0's clusterRedirectBlockedClientIfNeeded): the
         * error to unblock it with (-MOVED, -CLUSTERDOWN) when the key's slot is not served here
         * any more, or null to keep it blocked.
         */
        default String blockedRedirect(Client c, CommandSpec spec, byte[] key) { return null; }

        /** Whether this node serves the slot now (scripts: keys touched by redis.call must be local). */
        default boolean servesSlot(int slot) { return true; }
    }

    /**
     * The node's replication (io.vermilion.replication.Replication installs itself): the role,
     * and the refusals Redis makes for it (READONLY, NOREPLICAS, MASTERDOWN).
     */
    public interface ReplicationHook {
        boolean isReplica();

        /** The error to refuse this command with, or null; {@code write}: it writes (or EXEC of writes). */
        String refuse(Client c, CommandSpec spec, boolean write);
    }

    /** Receives keyspace notifications (the Pub/Sub family publishes them). */
    public interface KeyspaceEvents {
        void notify(int type, String event, byte[] key, int db);
        /** Before a command runs while the key-miss class is on: its "keymiss" events. */
        default void beforeCall(Client c, CommandSpec spec, byte[][] argv) {}
    }

    private java.util.function.Consumer<Client> beforeCall;

    /** Runs before each command a client sends, and before a blocked one is re-run (Pub/Sub writes the client's pending pushes first). */
    public void beforeCall(java.util.function.Consumer<Client> f) { beforeCall = f; }

    /** io.vermilion.pubsub.Events.KEY_MISS (Redis's NOTIFY_KEY_MISS). */
    private static final int NOTIFY_KEY_MISS = 1 << 11;

    /** Hears every write command that changed the dataset (AOF, replication). */
    public interface Propagator {
        void propagate(int db, byte[][] argv);
    }

    /**
     * Holds client replies back until the writes they acknowledge are durable as configured
     * (appendfsync): replies are flushed to sockets only after {@link #sync}.
     */
    public interface ReplyBarrier {
        /** True if some propagated writes are not yet written/synced as the policy requires. */
        boolean pending();

        /** Writes (and fsyncs, per policy) what is pending. */
        void sync();
    }

    /** What SHUTDOWN does once it has decided to stop. */
    public interface ShutdownAction {
        /** Stops the node (does not return) or returns false when it must keep running (the final save failed). */
        boolean shutdown(boolean save);
    }

    private final Config config;
    private final Keyspace keyspace;
    private final CommandTable commands = new CommandTable();
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final Set<Client> monitors = new LinkedHashSet<>();
    private final SlowLog slowlog = new SlowLog();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final ServerStats stats = new ServerStats();
    private final Blocking blocking = new Blocking(this);
    private final String runId;
    private final long startMs = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private long nextClientId = 1;
    private EventLoop loop;
    private Router router;
    private AccessControl access;    // ACL (io.vermilion.acl.Acl); null = everything allowed
    private final List<Propagator> propagators = new ArrayList<>();
    private ShutdownAction shutdownAction;
    private boolean loading;
    private long dirty;              // changes since last save (rdb_changes_since_last_save)
    private long lastSaveSec = System.currentTimeMillis() / 1000;
    private int tcpPort;
    private long pauseEndMs;         // CLIENT PAUSE
    private boolean pauseAll;
    private final List<Runnable> unpauseWaiters = new ArrayList<>();
    private final Map<String, Long> errorStats = new java.util.TreeMap<>();
    private final io.vermilion.util.Log log = new io.vermilion.util.Log();
    private PersistenceInfo persistence = PersistenceInfo.NONE;
    private ReplyBarrier barrier;
    private Runnable beforeReplies;
    private Set<io.netty.channel.ChannelHandlerContext> heldReplies = new LinkedHashSet<>();
    private Set<io.netty.channel.ChannelHandlerContext> releasing = new LinkedHashSet<>();
    private boolean releaseScheduled;

    // Settings read on every command, cached here and refreshed by CONFIG SET listeners.
    long slowlogSlowerThan;
    int slowlogMaxLen;
    long latencyThresholdMs;
    long protoMaxBulkLen;
    long queryBufferLimit;
    int maxClients;
    boolean authRequired;
    boolean latencyTracking;
    private final List<java.util.function.Consumer<Client>> resetListeners = new ArrayList<>();
    private final InstantMetrics metrics = new InstantMetrics();
    private final Map<String, List<java.util.function.Consumer<Map<String, String>>>> infoContributors = new java.util.HashMap<>();
    private final String replId = randomHex(20);
    private final long startupMemory = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    private long peakMemory;
    private String multiplexingApi = "epoll";
    private ReplicationHook replication;
    private io.vermilion.server.eviction.MaxMemory maxMemory;           // maxmemory, eviction (docs/memory.md)
    private io.vermilion.server.limits.ClientLimits clientLimits;       // output buffer limits, keepalive (docs/limits.md)
    private final List<io.vermilion.keyspace.Keyspace.KeyListener> evictionListeners = new ArrayList<>();
    private List<Object[]> propagationGroup; // during EXEC: writes collected to wrap in MULTI/EXEC
    private long errorMark;                  // errorReplies when the innermost call started/ended
    private final Map<Class<?>, Object> extensions = new java.util.HashMap<>();
    private String busyError;                // set while a script runs past busy-reply-threshold
    private Client current;                  // the client whose command call() is running
    private final Map<Class<?>, Object> parts = new java.util.HashMap<>();
    private final List<java.util.function.Consumer<Client>> closeListeners = new ArrayList<>();
    private int notifyMask;                  // notify-keyspace-events classes (0: off)
    private KeyspaceEvents keyspaceEvents;

    public Server(Config config, Keyspace keyspace) {
        this.config = config;
        this.keyspace = keyspace;
        cache("slowlog-log-slower-than", v -> slowlogSlowerThan = Long.parseLong(v));
        cache("slowlog-max-len", v -> { slowlogMaxLen = Integer.parseInt(v); slowlog.trim(slowlogMaxLen); });
        cache("latency-monitor-threshold", v -> latencyThresholdMs = Long.parseLong(v));
        cache("proto-max-bulk-len", v -> protoMaxBulkLen = Long.parseLong(v));
        cache("client-query-buffer-limit", v -> queryBufferLimit = Long.parseLong(v));
        cache("maxclients", v -> maxClients = Integer.parseInt(v));
        // The default user's password: clients that did not AUTH are refused while one is set.
        cache("requirepass", v -> authRequired = !v.isEmpty());
        cache("latency-tracking", v -> latencyTracking = v.equals("yes"));
        this.runId = randomHex(20);
        addResetListener(c -> { if (c.tx != null) c.tx.discard(c); });
        // A key deleted by expiry is propagated as DEL (UNLINK with lazyfree-lazy-expire), as Redis does.
        keyspace.addListener((db, key) -> {
            if (propagators.isEmpty()) return;
            byte[] del = config.getBool("lazyfree-lazy-expire") ? UNLINK : DEL;
            propagate(db.id(), new byte[][] {del, key});
        });
        maxMemory = new io.vermilion.server.eviction.MaxMemory(this);
        clientLimits = new io.vermilion.server.limits.ClientLimits(this);
    }

    public io.vermilion.server.eviction.MaxMemory maxMemory() { return maxMemory; }
    public io.vermilion.server.limits.ClientLimits clientLimits() { return clientLimits; }

    /** Hears keys deleted by maxmemory eviction (keyspace notifications' "evicted"). */
    public void addEvictionListener(io.vermilion.keyspace.Keyspace.KeyListener l) { evictionListeners.add(l); }

    /** A key was evicted: propagated as DEL (UNLINK with lazyfree-lazy-eviction), as Redis's propagateDeletion. */
    public void keyEvicted(io.vermilion.keyspace.Db db, byte[] key, boolean lazy) {
        for (int i = 0; i < evictionListeners.size(); i++) evictionListeners.get(i).expired(db, key);
        if (!propagators.isEmpty()) propagate(db.id(), new byte[][] {lazy ? UNLINK : DEL, key});
    }

    private static String randomHex(int bytes) {
        byte[] r = new byte[bytes];
        new SecureRandom().nextBytes(r);
        StringBuilder sb = new StringBuilder();
        for (byte b : r) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    private static final byte[] DEL = {'D', 'E', 'L'};
    private static final byte[] UNLINK = {'U', 'N', 'L', 'I', 'N', 'K'};

    private void cache(String name, java.util.function.Consumer<String> apply) {
        apply.accept(config.get(name));
        config.addListener(name, apply);
    }

    public Config config() { return config; }
    /** proto-max-bulk-len, cached (bit offsets are checked against it on every SETBIT/GETBIT). */
    public long protoMaxBulkLen() { return protoMaxBulkLen; }
    public Keyspace keyspace() { return keyspace; }
    public CommandTable commands() { return commands; }
    public Map<Long, Client> clients() { return clients; }
    public Set<Client> monitors() { return monitors; }
    public SlowLog slowlog() { return slowlog; }
    public LatencyMonitor latency() { return latency; }
    public ServerStats stats() { return stats; }
    /** Clients blocked on keys (BLPOP, BZPOPMIN, XREAD BLOCK ...); see docs/blocking.md. */
    public Blocking blocking() { return blocking; }
    public String runId() { return runId; }
    public long startMs() { return startMs; }
    public long uptimeMs() { return (System.nanoTime() - startNanos) / 1_000_000; }
    public EventLoop loop() { return loop; }
    public void loop(EventLoop l) { loop = l; }
    public Router router() { return router; }
    public void router(Router r) { router = r; }
    /** The ACL checks (see {@link AccessControl}); null when none are installed. */
    public AccessControl access() { return access; }
    public void access(AccessControl a) { access = a; }
    public void addPropagator(Propagator p) { propagators.add(p); }

    /** Per-node state of a command family (e.g. the scripting engine), made on first use. */
    @SuppressWarnings("unchecked")
    public <T> T extension(Class<T> type, java.util.function.Function<Server, T> make) {
        Object o = extensions.get(type);
        if (o == null) {
            o = make.apply(this);
            extensions.put(type, o);
        }
        return (T) o;
    }

    /**
     * While non-null (a script runs past busy-reply-threshold), commands without the allow-busy
     * flag are refused with this error (Redis's -BUSY while processEventsWhileBlocked).
     */
    public void busyError(String err) { busyError = err; }
    public String busyError() { return busyError; }
    public boolean inPropagationGroup() { return propagationGroup != null; }
    public int propagationGroupSize() { return propagationGroup == null ? 0 : propagationGroup.size(); }
    /** Drops what was collected after {@code size} (a script's redis.set_repl(REPL_NONE)). */
    public void truncatePropagationGroup(int size) {
        if (propagationGroup != null) while (propagationGroup.size() > size) propagationGroup.remove(propagationGroup.size() - 1);
    }
    public void removePropagator(Propagator p) { propagators.remove(p); }
    public void replyBarrier(ReplyBarrier b) { barrier = b; }
    /**
     * Work that must be done before any reply leaves: the cluster's queued before-sleep work
     * (nodes.conf saved), as Redis runs clusterBeforeSleep before it writes replies. A pipeline
     * of CLUSTER SETSLOT then costs one save, not one per command.
     */
    public void beforeReplies(Runnable r) { beforeReplies = r; }

    /** Sends a command to every propagator (AOF, replicas), e.g. a DEL for an expired key. */
    public void propagate(int db, byte[][] argv) {
        if (propagationGroup != null) {
            propagationGroup.add(new Object[] {db, argv});
            return;
        }
        for (int i = 0; i < propagators.size(); i++) propagators.get(i).propagate(db, argv);
    }

    /**
     * Flushes a connection's pending replies to its socket — at once, or, when the reply barrier
     * has writes pending, once per event-loop iteration after one write+fsync for all
     * connections (group commit). Every reply flush must go through here.
     */
    public void flushReplies(io.netty.channel.ChannelHandlerContext ctx) {
        if (beforeReplies != null) beforeReplies.run();
        if (barrier == null || !barrier.pending()) {
            ctx.flush();
            return;
        }
        heldReplies.add(ctx);
        if (!releaseScheduled) {
            releaseScheduled = true;
            loop.execute(this::releaseReplies);
        }
    }

    private void releaseReplies() {
        releaseScheduled = false;
        if (barrier != null) barrier.sync();
        // The two sets take turns: a flush may hold replies again (for the next release).
        Set<io.netty.channel.ChannelHandlerContext> held = heldReplies;
        heldReplies = releasing;
        releasing = held;
        for (io.netty.channel.ChannelHandlerContext ctx : held) ctx.flush();
        held.clear();
    }
    public void shutdownAction(ShutdownAction a) { shutdownAction = a; }
    public ShutdownAction shutdownAction() { return shutdownAction; }
    public boolean loading() { return loading; }
    public void loading(boolean l) { loading = l; }
    public long dirty() { return dirty; }
    public void addDirty(long n) { dirty += n; }
    public void resetDirty() { dirty = 0; lastSaveSec = System.currentTimeMillis() / 1000; }
    public long lastSaveSec() { return lastSaveSec; }
    /** A save finished (LASTSAVE, save points); {@link #resetDirty} is the foreground case. */
    public void lastSaveSec(long unixSec) { lastSaveSec = unixSec; }
    /** INFO persistence numbers; the persistence module installs its own. */
    public PersistenceInfo persistence() { return persistence; }
    public void persistence(PersistenceInfo p) { persistence = p == null ? PersistenceInfo.NONE : p; }
    public int tcpPort() { return tcpPort; }
    public void tcpPort(int p) { tcpPort = p; }
    public Map<String, Long> errorStats() { return errorStats; }
    public io.vermilion.util.Log log() { return log; }
    public boolean clusterEnabled() { return config.getBool("cluster-enabled"); }
    public boolean authRequired() { return authRequired; }
    /** Whether this node replicates from a master (HELLO role, INFO role): asks the replication. */
    public boolean isReplica() { return replication != null && replication.isReplica(); }
    /** The replication installed on this node (an io.vermilion.replication.Replication), or null. */
    public ReplicationHook replication() { return replication; }
    public void replication(ReplicationHook r) { replication = r; }
    /** Set by the ACL: the default user has a password or is disabled, so new clients must AUTH. */
    public void authRequired(boolean r) { authRequired = r; }
    public String replId() { return replId; }
    public long startupMemory() { return startupMemory; }
    public String multiplexingApi() { return multiplexingApi; }
    public void multiplexingApi(String api) { multiplexingApi = api; }

    /** Records a used-memory reading and returns the peak so far (INFO used_memory_peak). */
    public long notePeakMemory(long used) {
        peakMemory = Math.max(peakMemory, used);
        return peakMemory;
    }

    /**
     * Lets a family fill or replace fields of an INFO section (e.g. persistence sets the rdb_*
     * fields, replication the role): the consumer gets the section's fields in order and may
     * put new values (an existing field keeps its place).
     */
    public void addInfoContributor(String section, java.util.function.Consumer<Map<String, String>> c) {
        infoContributors.computeIfAbsent(section, k -> new ArrayList<>()).add(c);
    }

    public void contributeInfo(String section, Map<String, String> fields) {
        List<java.util.function.Consumer<Map<String, String>>> l = infoContributors.get(section);
        if (l != null) for (java.util.function.Consumer<Map<String, String>> c : l) c.accept(fields);
    }
    public InstantMetrics metrics() { return metrics; }
    public boolean paused() { return pauseEndMs != 0 && System.currentTimeMillis() < pauseEndMs; }

    /**
     * Registers state to clear when a connection is RESET (transactions, subscriptions,
     * tracking...), so that each family owns its own part of RESET.
     */
    public void addResetListener(java.util.function.Consumer<Client> l) { resetListeners.add(l); }

    /** RESET: every family's per-connection state back to that of a new connection. */
    public void resetConnection(Client c) {
        for (java.util.function.Consumer<Client> l : resetListeners) l.accept(c);
    }

    /** CONFIG RESETSTAT: INFO stats, commandstats, errorstats and the keyspace hit counters. */
    public void resetStats() {
        stats.reset();
        errorStats.clear();
        for (CommandSpec s : commands.allWithSubcommands()) s.resetStats();
        keyspace.stats().expiredKeys = 0;
        keyspace.stats().keyspaceHits = 0;
        keyspace.stats().keyspaceMisses = 0;
        metrics.reset();
    }

    /** Creates the state of a new connection. */
    public Client newClient(io.netty.channel.Channel ch, Reply reply) {
        Client c = new Client(nextClientId++, this, ch, reply);
        c.authenticated = !authRequired;
        if (ch != null) clients.put(c.id, c);
        stats.totalConnections++;
        return c;
    }

    /**
     * A family's per-node state that commands reach through the server without the server
     * knowing its type (e.g. {@code io.vermilion.pubsub.PubSub}).
     */
    public <T> void part(Class<T> type, T value) { parts.put(type, value); }
    public <T> T part(Class<T> type) { return type.cast(parts.get(type)); }

    /** Runs when a connection goes away (disconnect, CLIENT KILL), after its transaction and blocking state. */
    public void addCloseListener(java.util.function.Consumer<Client> l) { closeListeners.add(l); }

    /** The client whose command is running (null between commands). */
    public Client currentClient() { return current; }

    /** Installs the keyspace-notification sink and the classes it wants (notify-keyspace-events). */
    public void keyspaceEvents(KeyspaceEvents sink, int mask) {
        keyspaceEvents = sink;
        notifyMask = sink == null ? 0 : mask;
    }

    /**
     * A keyspace event (Redis's notifyKeyspaceEvent): {@code type} is its class bit
     * ({@code io.vermilion.pubsub.Events}), {@code event} its name. One int test when off.
     */
    public void notify(int type, String event, byte[] key, int db) {
        if ((notifyMask & type) != 0) keyspaceEvents.notify(type, event, key, db);
    }

    public void removeClient(Client c) {
        for (int i = 0; i < closeListeners.size(); i++) closeListeners.get(i).accept(c);
        if (c.blocked) blocking.clientGone(c);
        if (c.tx != null) c.tx.discard(c);
        clients.remove(c.id);
        monitors.remove(c);
    }

    // ------------------------------------------------------------------ pause

    /** CLIENT PAUSE: until the given time, hold all commands, or only writes. */
    public void pause(long untilMs, boolean all) {
        // As Redis: a new pause sets the type and can only extend the end time.
        pauseEndMs = Math.max(pauseEndMs, untilMs);
        pauseAll = all;
        loop.schedule(this::checkUnpause, Math.max(1, pauseEndMs - System.currentTimeMillis()),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void unpause() {
        pauseEndMs = 0;
        pauseAll = false;
        List<Runnable> w = new ArrayList<>(unpauseWaiters);
        unpauseWaiters.clear();
        for (Runnable r : w) r.run();
    }

    private void checkUnpause() {
        if (pauseEndMs != 0 && System.currentTimeMillis() >= pauseEndMs) unpause();
    }

    /** True if this command must wait because of CLIENT PAUSE. */
    boolean mustPause(CommandSpec spec) {
        if (pauseEndMs == 0 || System.currentTimeMillis() >= pauseEndMs) return false;
        if (pauseAll) return true;
        return spec.has(CommandSpec.Flag.WRITE) || spec.has(CommandSpec.Flag.MAY_REPLICATE);
    }

    void whenUnpaused(Runnable r) { unpauseWaiters.add(r); }

    // ------------------------------------------------------------------ dispatch

    /**
     * Runs one request. Returns false if it could not run yet (client paused) and must be retried.
     */
    public boolean dispatch(Client c, byte[][] argv) {
        if (beforeCall != null) beforeCall.accept(c);
        // A network client's read stamped it already (ClientHandler), once for all its pipelined requests.
        if (c.handler == null) c.lastInteractionMs = System.currentTimeMillis();
        Reply r = c.reply;
        if (crossProtocolAttack(c, argv[0])) return true;
        CommandSpec spec = commands.lookup(argv[0]);
        if (spec == null) {
            c.lastCommand = "NULL"; // CLIENT LIST's cmd= names the last command looked up, as Redis
            rejectUnknown(c, argv);
            return true;
        }
        if (spec.isContainer() && argv.length >= 2) {
            CommandSpec sub = spec.subcommands.get(lower(argv[1]));
            if (sub == null) {
                c.lastCommand = "NULL";
                reject(c, spec, "ERR unknown subcommand '" + trunc(argv[1]) + "'. Try "
                        + spec.name.toUpperCase() + " HELP.");
                return true;
            }
            spec = sub;
        }
        c.lastCommand = spec.fullName;
        Transaction tx = c.tx != null && c.tx.active ? c.tx : null;
        if ((spec.arity > 0 && argv.length != spec.arity) || argv.length < -spec.arity) {
            reject(c, spec, "ERR wrong number of arguments for '" + spec.fullName + "' command");
            return true;
        }
        // Protected commands are refused before authentication is asked for (Redis's processCommand).
        if (spec.has(CommandSpec.Flag.PROTECTED) && spec.name.equals("debug") && !debugAllowed(c)) {
            reject(c, spec, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
                    + "you can run it from a local connection, otherwise you need to set this option in the "
                    + "configuration file, and then restart the server.");
            return true;
        }
        if (!c.authenticated && authRequired && !spec.has(CommandSpec.Flag.NO_AUTH)) {
            reject(c, spec, "NOAUTH Authentication required.");
            return true;
        }
        if (loading && !spec.has(CommandSpec.Flag.LOADING)) {
            reject(c, spec, "LOADING Redis is loading the dataset in memory");
            return true;
        }
        if (tx != null && spec.has(CommandSpec.Flag.NO_MULTI)) {
            reject(c, spec, "ERR Command not allowed inside a transaction");
            return true;
        }
        if (access != null && !c.isInternal() && !c.isMaster()) {
            String denied = access.check(c, spec, argv);
            if (denied != null) {
                reject(c, spec, denied);
                return true;
            }
        }
        // The master's stream is never redirected (Redis: the master client is exempt).
        if (router != null && !c.isMaster() && router.redirect(c, spec, argv)) {
            // A redirected command dooms the transaction; a redirected EXEC ends it (Redis).
            if (tx != null) {
                if (spec.name.equals("exec")) tx.discard(c);
                else tx.flag();
            }
            spec.rejectedCalls++;
            return true;
        }
        if (busyError != null && !spec.has(CommandSpec.Flag.ALLOW_BUSY) && !c.isInternal()) {
            reject(c, spec, busyError);
            return true;
        }
        if (replication != null) {
            boolean write = spec.has(CommandSpec.Flag.WRITE)
                    || (spec.name.equals("exec") && c.tx != null && c.tx.queuedWrite);
            String refusal = replication.refuse(c, spec, write);
            if (refusal != null) {
                reject(c, spec, refusal);
                return true;
            }
        }
        if (c.pubsub && c.reply.proto() == 2 && !allowedWhileSubscribed(spec)) {
            reject(c, spec, "ERR Can't execute '" + spec.fullName + "': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return true;
        }
        if (maxMemory.refuse(c, spec)) { reject(c, spec, io.vermilion.server.eviction.MaxMemory.OOM); return true; }
        if ((mustPause(spec) || pausedExec(c, spec)) && !c.isInternal()) return false;
        if (tx != null && !controlsTransaction(spec)) {
            tx.queue(c, spec, argv);
            c.reply.simple("QUEUED");
            return true;
        }
        call(c, spec, argv);
        if (blocking.pending()) blocking.handleReady();
        return true;
    }

    private long securityWarningLoggedMs;

    /**
     * Redis's securityWarningCommand: a request named POST or "Host:" is an HTTP request sent to
     * the port (cross protocol scripting): the connection is closed without a reply, with a
     * warning logged at most once a minute.
     */
    private boolean crossProtocolAttack(Client c, byte[] name) {
        if (name.length != 4 && name.length != 5) return false;
        String n = new String(name, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!n.equalsIgnoreCase("post") && !n.equalsIgnoreCase("host:")) return false;
        long now = System.currentTimeMillis();
        if (now - securityWarningLoggedMs > 60_000) {
            log.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands "
                    + "to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to "
                    + "compromise your Redis instance. Connection aborted.");
            securityWarningLoggedMs = now;
        }
        c.closeAfterReply();
        return true;
    }

    /** enable-debug-command: yes, or local and a loopback (or internal) connection. */
    private boolean debugAllowed(Client c) {
        String mode = config.get("enable-debug-command");
        if ("yes".equals(mode)) return true;
        if (!"local".equals(mode)) return false;
        if (c.channel() == null) return true;
        java.net.SocketAddress a = c.channel().remoteAddress();
        return !(a instanceof java.net.InetSocketAddress ia) || ia.getAddress() == null || ia.getAddress().isLoopbackAddress();
    }

    /** Commands that run at once inside MULTI instead of being queued (Redis's processCommand). */
    private static boolean controlsTransaction(CommandSpec spec) {
        return switch (spec.name) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
            default -> false;
        };
    }

    /** What a RESP2 connection in pub/sub mode may run (Redis's processCommand). */
    private static boolean allowedWhileSubscribed(CommandSpec spec) {
        return switch (spec.name) {
            case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe",
                 "punsubscribe", "quit", "reset" -> spec.parent == null;
            default -> false;
        };
    }

    /** An EXEC whose queue holds writes: CLIENT PAUSE WRITE holds it as a write. */
    private boolean pausedExec(Client c, CommandSpec spec) {
        return c.tx != null && c.tx.queuedWrite && spec.name.equals("exec")
                && pauseEndMs != 0 && System.currentTimeMillis() < pauseEndMs;
    }

    /**
     * Collects what the commands run until {@link #endPropagationGroup} propagate, then sends
     * them wrapped in MULTI/EXEC when there is more than one (a single command is atomic
     * anyway), as Redis 7.0's propagatePendingCommands does for EXEC.
     */
    /**
     * Propagates the commands a command emits instead of itself (Redis's alsoPropagate followed
     * by preventCommandPropagation: XREADGROUP, XCLAIM...): more than one are wrapped in
     * MULTI/EXEC, unless inside an EXEC already being wrapped. The command sets an empty
     * {@link Client#propagateAs} so that it is not propagated itself.
     */
    public void propagateAll(int db, List<byte[][]> ops) {
        if (ops.isEmpty()) return;
        if (propagationGroup != null) {
            for (byte[][] op : ops) propagationGroup.add(new Object[] {db, op});
            return;
        }
        if (ops.size() > 1) propagate(db, new byte[][] {MULTI});
        for (byte[][] op : ops) propagate(db, op);
        if (ops.size() > 1) propagate(db, new byte[][] {EXEC});
    }

    public void beginPropagationGroup() { propagationGroup = new ArrayList<>(); }

    public void endPropagationGroup() {
        List<Object[]> g = propagationGroup;
        propagationGroup = null;
        if (g == null || g.isEmpty()) return;
        if (g.size() > 1) propagate((Integer) g.get(0)[0], new byte[][] {MULTI});
        for (Object[] op : g) propagate((Integer) op[0], (byte[][]) op[1]);
        if (g.size() > 1) propagate((Integer) g.get(g.size() - 1)[0], new byte[][] {EXEC});
    }

    /**
     * Propagates {@code cmds} for the running command instead of its own argv (Redis's
     * alsoPropagate + preventCommandPropagation, e.g. SPOP with a count as SREMs): several
     * commands go out wrapped in MULTI/EXEC, as 7.0's propagatePendingCommands does.
     */
    public void propagateInstead(Client c, List<byte[][]> cmds) {
        c.propagateAs = Client.PROPAGATE_NOTHING;
        if (!propagators.isEmpty()) propagateAll(c.dbIndex(), cmds);
    }

    private static final byte[] MULTI = {'M', 'U', 'L', 'T', 'I'};
    private static final byte[] EXEC = {'E', 'X', 'E', 'C'};

    /**
     * Runs a command that passed every check (Redis's call()): the handler, then commandstats,
     * MONITOR, propagation, slowlog and latency. EXEC calls it for each queued command.
     */
    public void call(Client c, CommandSpec spec, byte[][] argv) {
        c.redactedArgs = 0;
        long argvMem = 0;
        for (byte[] a : argv) argvMem += a.length;
        c.argvMem = argvMem;
        errorMark = stats.errorReplies;
        long dirtyBefore = dirty;
        long t0 = System.nanoTime();
        c.propagateAs = null;
        c.runningSpec = spec;
        c.runningArgv = argv;
        Client prevCurrent = current;
        current = c;
        // The command sees one time throughout (and so does EXEC's or a script's whole run), as
        // Redis's call() fixes server.mstime for expiry; it also spares a clock read per lookup.
        keyspace.enterCommand(t0);
        try {
            if ((notifyMask & NOTIFY_KEY_MISS) != 0) keyspaceEvents.beforeCall(c, spec, argv);
            spec.handler.execute(c, argv);
        } finally {
            keyspace.exitCommand();
            current = prevCurrent;
        }
        byte[][] propagated = c.propagateAs != null ? c.propagateAs : argv;
        c.propagateAs = null;
        long nanos = System.nanoTime() - t0;
        long usec = nanos / 1000;
        c.asking = c.asking && spec.name.equals("asking");
        spec.calls++;
        spec.usec += usec;
        if (latencyTracking) spec.recordLatency(nanos);
        stats.commandsProcessed++;
        // MONITOR sees a command once it ran (with its secrets redacted), as Redis's call() feeds it.
        if (!monitors.isEmpty() && !spec.has(CommandSpec.Flag.SKIP_MONITOR) && !spec.has(CommandSpec.Flag.ADMIN)) {
            feedMonitors(c, argv);
        }
        // Errors of the commands an EXEC ran were counted for them, not for EXEC (Redis's prev_err_count).
        if (stats.errorReplies != errorMark) spec.failedCalls++;
        errorMark = stats.errorReplies;
        // PROPAGATE_NOTHING or an empty propagateAs: the command propagated its effects itself
        // (propagateAll) or has nothing to propagate. MAY_REPLICATE: PFCOUNT updating a cache.
        if (dirty != dirtyBefore && !propagators.isEmpty()
                && (spec.has(CommandSpec.Flag.WRITE) || spec.has(CommandSpec.Flag.MAY_REPLICATE))
                && propagated != Client.PROPAGATE_NOTHING && propagated.length > 0) {
            propagate(c.dbIndex(), propagated);
        }
        if (slowlogSlowerThan >= 0 && usec >= slowlogSlowerThan && !spec.has(CommandSpec.Flag.SKIP_SLOWLOG)) {
            slowlog.add(redactedCopy(c, argv), usec, c.addr(), c.name, slowlogMaxLen);
        }
        if (latencyThresholdMs > 0 && usec / 1000 >= latencyThresholdMs) {
            latency.add(spec.has(CommandSpec.Flag.FAST) ? "fast-command" : "command", usec / 1000);
        }
    }

    /**
     * Runs a blocked client's command again because a key it waits on changed (see
     * {@link Blocking}): the handler and the propagation of what it wrote, but no second call in
     * commandstats (Redis 7.0 counts a blocking command once, when it first ran).
     */
    void rerun(Client c, CommandSpec spec, byte[][] argv) {
        long dirtyBefore = dirty;
        long t0 = System.nanoTime();
        c.propagateAs = null;
        c.runningSpec = spec;
        c.runningArgv = argv;
        if (beforeCall != null) beforeCall.accept(c);
        Client prevCurrent = current;
        current = c;
        try {
            spec.handler.execute(c, argv);
        } finally {
            current = prevCurrent;
        }
        byte[][] propagated = c.propagateAs != null ? c.propagateAs : argv;
        c.propagateAs = null;
        spec.usec += (System.nanoTime() - t0) / 1000;
        // As call(): PROPAGATE_NOTHING or an empty propagateAs means the command propagated itself.
        if (dirty != dirtyBefore && !propagators.isEmpty()
                && (spec.has(CommandSpec.Flag.WRITE) || spec.has(CommandSpec.Flag.MAY_REPLICATE))
                && propagated != Client.PROPAGATE_NOTHING && propagated.length > 0) {
            propagate(c.dbIndex(), propagated);
        }
    }

    /** Writes an error reply and counts it (errorstats, rejected calls). */
    private void reject(Client c, CommandSpec spec, String msg) {
        if (spec != null) spec.rejectedCalls++;
        if (spec != null && spec.name.equals("exec")) {
            // A rejected EXEC discards the transaction and says why (Redis's execCommandAbort).
            if (c.tx != null) c.tx.discard(c);
            error(c, "EXECABORT Transaction discarded because of: " + (msg.startsWith("ERR ") ? msg.substring(4) : msg));
            return;
        }
        if (c.tx != null) c.tx.flag();
        error(c, msg);
    }

    /** Writes an error reply and counts it in errorstats. Commands use this for every error. */
    public void error(Client c, String msg) {
        stats.errorReplies++;
        int sp = msg.indexOf(' ');
        String code = sp > 0 ? msg.substring(0, sp) : msg;
        errorStats.merge(code, 1L, Long::sum);
        c.reply.error(msg);
    }

    private void rejectUnknown(Client c, byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = new String(argv[i], StandardCharsets.ISO_8859_1);
            int room = 128 - args.length();
            args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        stats.unknownCommands++;
        if (c.tx != null) c.tx.flag();
        error(c, "ERR unknown command '" + trunc(argv[0]) + "', with args beginning with: " + args);
    }

    private static String trunc(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    private static String lower(byte[] b) {
        char[] cs = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int ch = b[i] & 0xFF;
            if (ch >= 'A' && ch <= 'Z') ch += 32;
            cs[i] = (char) ch;
        }
        return new String(cs);
    }

    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private static byte[][] redactedCopy(Client c, byte[][] argv) {
        if (c.redactedArgs == 0) return argv;
        byte[][] copy = argv.clone();
        for (int i = 0; i < copy.length; i++) if (c.redacted(i)) copy[i] = REDACTED;
        return copy;
    }

    /** Sends "+<time> [db addr] "arg" ..." to every MONITOR client. */
    public void feedMonitors(Client c, byte[][] argv) {
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder();
        sb.append('+').append(now / 1000).append('.').append(String.format("%06d", (now % 1000) * 1000));
        sb.append(" [").append(c.dbIndex()).append(' ');
        sb.append(c.isInternal() ? "lua" : c.addr()).append(']');
        for (int i = 0; i < argv.length; i++) {
            sb.append(' ').append(c.redacted(i) ? "\"(redacted)\"" : Repr.quote(argv[i]));
        }
        sb.append("\r\n");
        byte[] line = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (Client m : List.copyOf(monitors)) {
            if (m == c && c.out != null) {
                // A monitor's own command: its feed line follows its reply, as in Redis.
                c.out.writeBytes(line);
            } else if (m.channel != null && m.channel.isActive()) {
                m.channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(line));
                clientLimits.enforce(m, 0);
            }
        }
    }
}
