package io.vermilion.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vermilion.config.Config;
import io.vermilion.persistence.Persistence;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import io.vermilion.util.Log;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The replication of one node, both roles (Redis 7.0's replication.c): the replication id and
 * offset (PSYNC2: a second id after a promotion), the backlog, the replicas of this node and, when
 * it is a replica, its link to the master. Installed on the {@link Server} (which asks it whether
 * the node is a replica and whether a command must be refused) and fed by the server's
 * propagation. Everything here runs on the node's command thread.
 *
 * <p>This is the seam the cluster failover builds on: {@link #replicaOf}, {@link #becomeMaster},
 * the offsets and the link listeners. See docs/replication.md.
 */
public final class Replication implements Server.ReplicationHook, Server.Propagator {
    static final String ZERO_ID = "0000000000000000000000000000000000000000";

    final Server server;
    final Config config;
    final Log log;
    Persistence persistence;
    String replId = randomId();
    String replId2 = ZERO_ID;
    long secondReplOffset = -1;
    long masterReplOffset;
    Backlog backlog;

    // ---- master role
    /** Replicas that sent PSYNC/SYNC, in that order. */
    final List<ReplicaConn> replicas = new ArrayList<>();
    /** Every connection that spoke REPLCONF or PSYNC, by client. */
    final Map<Client, ReplicaConn> conns = new IdentityHashMap<>();
    int slaveSelDb = -1;
    private ByteBuf batch;                 // stream bytes not yet written to the replicas
    private boolean flushScheduled;
    long noReplicasSinceMs = System.currentTimeMillis();
    FullSync waitingDiskless;              // a diskless sync collecting replicas (repl-diskless-sync-delay)
    final List<FullSync> syncs = new ArrayList<>();
    private final List<WaitClient> waiting = new ArrayList<>();
    private boolean getAckScheduled;
    long syncFull, syncPartialOk, syncPartialErr;
    int goodReplicas;

    // ---- replica role
    String masterHost;
    int masterPort;
    MasterLink link;
    long lastMasterInteractionMs;
    long linkDownSinceMs;
    /** The master client's database when the link dropped (a +CONTINUE resumes in it). */
    int masterDb;
    /** Whether PSYNC can name an id and offset (Redis's cached master), else "PSYNC ? -1". */
    boolean cachedMaster;
    final List<ReplicationListener> listeners = new ArrayList<>();
    private long cronTicks;
    /** Set once the data files are loaded ({@link #start}): before that no master link is opened. */
    private boolean started;
    /** True while a cluster manual failover holds this master's writes (no PING into the stream then). */
    private java.util.function.BooleanSupplier manualFailoverPaused = () -> false;

    public Replication(Server server) {
        this.server = server;
        this.config = server.config();
        this.log = server.log();
        server.replication(this);
        server.addPropagator(this);
        // Read on every write command (refuse): cached, refreshed by CONFIG SET.
        minReplicasToWrite = config.getLong("min-replicas-to-write");
        config.addListener("min-replicas-to-write", v -> minReplicasToWrite = config.getLong("min-replicas-to-write"));
        config.addListener("repl-backlog-size", v -> {
            if (backlog != null) backlog.resize(config.getLong("repl-backlog-size"));
        });
        server.addInfoContributor("replication", this::info);
        server.addInfoContributor("stats", f -> {
            f.put("sync_full", Long.toString(syncFull));
            f.put("sync_partial_ok", Long.toString(syncPartialOk));
            f.put("sync_partial_err", Long.toString(syncPartialErr));
        });
        server.addInfoContributor("memory", f -> {
            if (f.containsKey("mem_replication_backlog")) {
                f.put("mem_replication_backlog", Long.toString(backlog != null ? backlog.size() : 0));
            }
        });
    }

    /** Starts the timers (replicationCron, once a second) and connects if replicaof is configured. */
    public void start(Persistence p) {
        this.persistence = p;
        p.replInfo(() -> {
            // Called on the command thread (SAVE, BGSAVE start, shutdown).
            return saveInfo();
        });
        server.loop().scheduleAtFixedRate(this::cron, 1000, 1000, TimeUnit.MILLISECONDS);
        String ro = config.get("replicaof").trim();
        io.vermilion.persistence.rdb.RdbWriter.ReplInfo ri = p.loadedReplInfo();
        server.loop().execute(() -> {
            // A restarted replica (or cluster node, whose role the cluster decides) PSYNCs from where its RDB was.
            if (ri != null && (!ro.isEmpty() || server.clusterEnabled())) restoreFromRdb(ri.replId(), ri.offset(), ri.streamDb());
            started = true;
            if (!ro.isEmpty()) {
                int sp = ro.lastIndexOf(' ');
                replicaOf(ro.substring(0, sp), Integer.parseInt(ro.substring(sp + 1)), cachedMaster);
            } else if (masterHost != null && link == null) {
                // The cluster made us a replica while the data was loading: connect now.
                log.notice("Connecting to MASTER " + masterHost + ":" + masterPort);
                link = new MasterLink(this, masterHost, masterPort);
                link.connect();
            }
        });
    }

    /**
     * Cluster mode: tells whether a manual failover pauses this master (Redis's mf_end while
     * clients are paused); the cron sends no PING to the replicas meanwhile.
     */
    public void manualFailoverPaused(java.util.function.BooleanSupplier s) {
        manualFailoverPaused = s;
    }

    /**
     * TLS for the link to a master (tls-replication), supplied by the node (io.vermilion.net.tls):
     * the handler to put first in the link's pipeline, or null for plaintext. Asked at each
     * connection, so CONFIG SET tls-replication and certificate reloads apply to the next link.
     */
    public interface LinkTls {
        io.netty.channel.ChannelHandler connecting(Channel ch, String host, int port);
    }

    LinkTls linkTls;

    /** Installs the TLS hook of the master link (see {@link LinkTls}). */
    public void tls(LinkTls t) { linkTls = t; }

    /** The replication of a node (installed by its constructor). */
    public static Replication of(Server s) {
        if (s.replication() instanceof Replication r) return r;
        throw new IllegalStateException("no replication on this node");
    }

    static String randomId() {
        byte[] r = new byte[20];
        new SecureRandom().nextBytes(r);
        StringBuilder sb = new StringBuilder(40);
        for (byte b : r) sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        return sb.toString();
    }

    // ------------------------------------------------------------------ the seam

    /**
     * Makes this node a replica of host:port (REPLICAOF host port): drops any current master link,
     * keeps its own replication id and offset as the "cached master" so the new master can
     * continue partially (PSYNC2), and connects; the handshake and sync run asynchronously, and
     * {@link ReplicationListener#linkUp} tells when the stream flows. Its own replicas stay
     * connected (they are told of a new id or resynced when this node syncs). Command thread only.
     */
    public void replicaOf(String host, int port) {
        replicaOf(host, port, true);
    }

    /** {@code cacheMyself}: PSYNC with our own id and offset (false at startup without RDB replication info). */
    void replicaOf(String host, int port, boolean cacheMyself) {
        boolean wasMaster = masterHost == null;
        if (wasMaster && cacheMyself) cachedMaster = true;
        dropLink();
        if (wasMaster) {
            // Clients blocked on a master (WAIT) cannot wait on a replica.
            for (WaitClient w : List.copyOf(waiting)) wake(w);
            flushBatch();
        }
        masterHost = host;
        masterPort = port;
        server.keyspace().replicaExpiry(true);
        server.log().role('S');
        linkDownSinceMs = 0;
        // The cluster bus runs while the data files load: a role change heard then waits for the
        // load (and the RDB's repl-id/offset, the cached master of the PSYNC) before connecting.
        if (!started) return;
        log.notice("Connecting to MASTER " + host + ":" + port);
        link = new MasterLink(this, host, port);
        link.connect();
    }

    /**
     * Turns a replica into a master (REPLICAOF NO ONE): the link is dropped, the master's
     * replication id becomes the second id (valid up to the current offset + 1) and a new id is
     * drawn, the offset is kept — so the former siblings can PSYNC and continue partially. Our
     * replicas are disconnected so they learn the new id (they continue partially). No-op on a
     * master. Command thread only.
     */
    public void becomeMaster() {
        if (masterHost == null) return;
        dropLink();
        masterHost = null;
        masterPort = 0;
        server.keyspace().replicaExpiry(false);
        shiftReplicationId();
        disconnectReplicas();
        slaveSelDb = -1;
        noReplicasSinceMs = System.currentTimeMillis();
        server.log().role('M');
        log.notice("MASTER MODE enabled (user request from '" + "id=0" + "')");
    }

    /** Closes the master link, if any (no reconnection). */
    private void dropLink() {
        MasterLink l = link;
        link = null;
        if (l != null) l.close();
    }

    /** replid2 = replid valid up to the current offset + 1; a new replid (shiftReplicationId). */
    void shiftReplicationId() {
        replId2 = replId;
        secondReplOffset = masterReplOffset + 1;
        replId = randomId();
        log.notice("Setting secondary replication ID to " + replId2 + ", valid up to offset: "
                + secondReplOffset + ". New replication ID is " + replId);
    }

    /** Whether this node replicates from a master (REPLICAOF host port in effect). */
    @Override public boolean isReplica() { return masterHost != null; }

    /** The master's host, or null on a master. */
    public String masterHost() { return masterHost; }

    /** The master's port, or 0 on a master. */
    public int masterPort() { return masterPort; }

    /** Whether the link to the master is up (master_link_status:up): synced and streaming. */
    public boolean linkUp() { return link != null && link.connected(); }

    /**
     * master_repl_offset: on a master the bytes of replication stream produced so far; on a replica
     * the offset of the stream applied (a replica's own stream is its master's, proxied).
     */
    public long masterReplOffset() { return masterReplOffset; }

    /**
     * What a replica has applied of its master's stream (slave_repl_offset; failover ranks replicas
     * by it). On a master, its own offset.
     */
    public long processedOffset() { return masterReplOffset; }

    /** When data last came from the master (ms since the epoch), 0 if never. */
    public long lastMasterInteractionMs() { return lastMasterInteractionMs; }

    /** The replicas connected to this node, in connection order. */
    public List<ReplicaInfo> replicas() {
        List<ReplicaInfo> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (ReplicaConn r : replicas) {
            String state = r.stateName();
            if (state.isEmpty()) continue;
            long lag = r.state == ReplicaConn.State.ONLINE ? (now - r.ackTimeMs) / 1000 : 0;
            out.add(new ReplicaInfo(r.ip(), r.listeningPort, state, r.ackOffset, lag));
        }
        return out;
    }

    /** master_replid: the current replication id. */
    public String replId() { return replId; }

    /** master_replid2: the previous id after a promotion (all zeros if none). */
    public String replId2() { return replId2; }

    /** second_repl_offset: up to where {@link #replId2} is valid, -1 if none. */
    public long secondReplOffset() { return secondReplOffset; }

    /** Registers a listener of the master link going up and down. */
    public void addListener(ReplicationListener l) { listeners.add(l); }

    public void removeListener(ReplicationListener l) { listeners.remove(l); }

    void fireLinkUp() {
        for (ReplicationListener l : List.copyOf(listeners)) l.linkUp();
    }

    void fireLinkDown() {
        for (ReplicationListener l : List.copyOf(listeners)) l.linkDown();
    }

    // ------------------------------------------------------------------ refusals

    static final String READONLY = "READONLY You can't write against a read only replica.";
    static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    static final String MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    @Override
    public String refuse(Client c, CommandSpec spec, boolean write) {
        if (c.isMaster() || c.isInternal()) return null;
        if (masterHost == null) {
            if (write && minReplicasToWrite() > 0 && config.getLong("min-replicas-max-lag") > 0
                    && goodReplicas < minReplicasToWrite()) {
                return NOREPLICAS;
            }
            return null;
        }
        if (write && config.getBool("replica-read-only")) return READONLY;
        if (!linkUp() && !config.getBool("replica-serve-stale-data") && !spec.has(CommandSpec.Flag.STALE)) {
            return MASTERDOWN;
        }
        return null;
    }

    private long minReplicasToWrite;

    private long minReplicasToWrite() { return minReplicasToWrite; }

    /** Recounts the replicas whose last ACK is within min-replicas-max-lag (refreshReplicasGoodCount). */
    void refreshGoodReplicas() {
        long maxLag = config.getLong("min-replicas-max-lag");
        if (minReplicasToWrite() == 0 || maxLag == 0) {
            goodReplicas = 0;
            return;
        }
        long now = System.currentTimeMillis();
        int good = 0;
        for (ReplicaConn r : replicas) {
            if (r.state == ReplicaConn.State.ONLINE && (now - r.ackTimeMs) / 1000 <= maxLag) good++;
        }
        goodReplicas = good;
    }

    // ------------------------------------------------------------------ the stream (master side)

    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    /** Server propagation: a write command of this node (in its propagated form). */
    @Override
    public void propagate(int db, byte[][] argv) {
        // A replica's stream is its master's, proxied byte for byte; its own writes stay local.
        if (masterHost != null) return;
        if (backlog == null && replicas.isEmpty()) return;
        if (db != slaveSelDb && db >= 0) {
            feed(encode(new byte[][] {SELECT, Long.toString(db).getBytes(StandardCharsets.US_ASCII)}));
            slaveSelDb = db;
        }
        feed(encode(argv));
    }

    static byte[] encode(byte[][] argv) {
        int n = 16;
        for (byte[] a : argv) n += a.length + 16;
        byte[] out = new byte[n];
        int p = 0;
        p = header(out, p, '*', argv.length);
        for (byte[] a : argv) {
            p = header(out, p, '$', a.length);
            System.arraycopy(a, 0, out, p, a.length);
            p += a.length;
            out[p++] = '\r';
            out[p++] = '\n';
        }
        return java.util.Arrays.copyOf(out, p);
    }

    private static int header(byte[] out, int p, char type, long n) {
        out[p++] = (byte) type;
        byte[] d = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, out, p, d.length);
        p += d.length;
        out[p++] = '\r';
        out[p++] = '\n';
        return p;
    }

    /** Adds bytes to the replication stream: offset, backlog, and (batched) every replica. */
    void feed(byte[] b) {
        feed(b, 0, b.length);
    }

    void feed(byte[] b, int off, int len) {
        if (len == 0) return;
        if (backlog == null) createBacklog();
        backlog.append(b, off, len);
        masterReplOffset += len;
        if (replicas.isEmpty()) return;
        if (batch == null) batch = Unpooled.buffer(Math.max(256, len));
        batch.writeBytes(b, off, len);
        if (!flushScheduled) {
            flushScheduled = true;
            server.loop().execute(this::flushBatch);
        }
    }

    void createBacklog() {
        backlog = new Backlog(config.getLong("repl-backlog-size"), masterReplOffset);
    }

    /**
     * Hands the batched stream bytes to the replicas: written to online ones, kept in the buffer of
     * those still receiving their RDB. Called before any replica changes state, so each one's
     * stream starts exactly at its sync offset.
     */
    void flushBatch() {
        flushScheduled = false;
        ByteBuf b = batch;
        batch = null;
        if (b == null) return;
        for (ReplicaConn r : List.copyOf(replicas)) r.stream(b);
        b.release();
    }

    /** The stream from {@code offset} (the next byte a replica needs) if the backlog holds it. */
    byte[] backlogFrom(long offset) {
        if (backlog == null || !backlog.covers(offset)) return null;
        return backlog.from(offset);
    }

    // ------------------------------------------------------------------ replicas (master side)

    /** The replication state of a connection that speaks REPLCONF/PSYNC (created on first use). */
    ReplicaConn conn(Client c) {
        ReplicaConn r = conns.get(c);
        if (r == null) {
            r = new ReplicaConn(this, c);
            conns.put(c, r);
            final ReplicaConn rc = r;
            Channel ch = c.channel();
            if (ch != null) ch.closeFuture().addListener(f -> server.loop().execute(() -> replicaGone(rc)));
        }
        return r;
    }

    ReplicaConn connOrNull(Client c) { return conns.get(c); }

    /** A replica's connection closed (or was dropped by us). */
    void replicaGone(ReplicaConn r) {
        if (conns.remove(r.client) == null) return;
        if (replicas.remove(r)) {
            log.notice("Connection with replica " + r.describe() + " lost.");
            if (replicas.isEmpty()) noReplicasSinceMs = System.currentTimeMillis();
        }
        r.releasePending();
        if (r.sync != null) r.sync.memberGone(r);
        if (waitingDiskless != null) waitingDiskless.memberGone(r);
        refreshGoodReplicas();
    }

    /** Closes every replica connection (they reconnect and PSYNC). */
    void disconnectReplicas() {
        flushBatch();
        for (ReplicaConn r : List.copyOf(replicas)) r.client.kill();
    }

    /**
     * PSYNC replid offset / SYNC from {@code c}: tries a partial resync from the backlog, else
     * starts (or joins) a full sync. Redis's syncCommand + masterTryPartialResynchronization.
     */
    void sync(Client c, String psyncId, long psyncOffset, boolean psync) {
        ReplicaConn r = conn(c);
        if (r.state != null) return; // already a replica: ignore, as Redis does
        flushBatch();
        if (psync && tryPartial(r, psyncId, psyncOffset)) {
            syncPartialOk++;
            return;
        }
        if (psync && !psyncId.equals("?")) syncPartialErr++;
        syncFull++;
        r.psync = psync;
        c.replicaType("replica");
        replicas.add(r);
        // The first replica of a master without backlog: a fresh history (new id, no id2).
        if (replicas.size() == 1 && backlog == null && masterHost == null) {
            replId = randomId();
            replId2 = ZERO_ID;
            secondReplOffset = -1;
            createBacklog();
            log.notice("Replication backlog created, my new replication IDs are '" + replId + "' and '" + replId2 + "'");
        } else if (backlog == null) {
            createBacklog();
        }
        log.notice("Replica " + r.describe() + " asks for synchronization");
        if (psync) {
            log.notice("Full resync requested by replica " + r.describe());
        }
        FullSync.request(this, r);
    }

    private boolean tryPartial(ReplicaConn r, String id, long offset) {
        boolean idOk = id.equals(replId) || (id.equals(replId2) && offset <= secondReplOffset);
        if (!idOk) {
            if (!id.equals("?")) {
                if (!id.equals(replId) && !id.equals(replId2)) {
                    log.notice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
                            + id + "', my replication IDs are '" + replId + "' and '" + replId2 + "')");
                } else {
                    log.notice("Partial resynchronization not accepted: Requested offset for second ID was "
                            + offset + ", but I can reply up to " + secondReplOffset);
                }
            }
            return false;
        }
        byte[] tail = backlogFrom(offset);
        if (tail == null) {
            log.notice("Unable to partial resync with replica " + r.describe() + " for lack of backlog (Replica request was: "
                    + offset + ").");
            return false;
        }
        Client c = r.client;
        c.replicaType("replica");
        replicas.add(r);
        r.state = ReplicaConn.State.ONLINE;
        r.ackTimeMs = System.currentTimeMillis();
        r.psync = true;
        c.reply().simple(r.capaPsync2 ? "CONTINUE " + replId : "CONTINUE");
        c.reply().raw(tail);
        log.notice("Partial resynchronization request from " + r.describe() + " accepted. Sending "
                + tail.length + " bytes of backlog starting from offset " + offset + ".");
        refreshGoodReplicas();
        return true;
    }

    /** REPLCONF ACK from a replica. */
    void ack(ReplicaConn r, long offset) {
        if (offset > r.ackOffset) r.ackOffset = offset;
        r.ackTimeMs = System.currentTimeMillis();
        if (r.state == ReplicaConn.State.ONLINE_AWAIT_ACK) r.startStream();
        if (!waiting.isEmpty()) checkWaiting();
    }

    // ------------------------------------------------------------------ WAIT

    private final class WaitClient {
        final Client client;
        final long offset;
        final long needed;

        WaitClient(Client client, long offset, long needed) {
            this.client = client;
            this.offset = offset;
            this.needed = needed;
        }
    }

    int replicasAcked(long offset) {
        int n = 0;
        for (ReplicaConn r : replicas) {
            if (r.state != null && r.state.online() && r.ackOffset >= offset) n++;
        }
        return n;
    }

    /** WAIT numreplicas timeout. */
    void waitCommand(Client c, long numReplicas, long deadline) {
        if (masterHost != null) {
            server.error(c, "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
            return;
        }
        flushBatch();
        long offset = masterReplOffset;
        int acked = replicasAcked(offset);
        if (acked >= numReplicas || !server.blocking().mayBlock(c)) {
            c.reply().integer(acked);
            return;
        }
        WaitClient w = new WaitClient(c, offset, numReplicas);
        waiting.add(w);
        server.blocking().block(c, new byte[0][], deadline, v -> false, cl -> {
            waiting.remove(w);
            cl.reply().integer(replicasAcked(w.offset));
        });
        if (!getAckScheduled) {
            getAckScheduled = true;
            server.loop().execute(this::sendGetAck);
        }
    }

    private static final byte[][] GETACK = {
        "REPLCONF".getBytes(StandardCharsets.US_ASCII), "GETACK".getBytes(StandardCharsets.US_ASCII), {'*'}};

    /** REPLCONF GETACK * to every replica (Redis does it in beforeSleep while clients WAIT). */
    private void sendGetAck() {
        getAckScheduled = false;
        if (waiting.isEmpty() || masterHost != null || replicas.isEmpty()) return;
        feed(encode(GETACK));
        flushBatch();
    }

    private void checkWaiting() {
        for (WaitClient w : List.copyOf(waiting)) {
            if (replicasAcked(w.offset) >= w.needed) wake(w);
        }
    }

    private void wake(WaitClient w) {
        Client.BlockState s = w.client.blockState();
        if (s != null) s.unblock(false);
        waiting.remove(w);
    }

    // ------------------------------------------------------------------ cron

    private static final byte[][] PING = {"PING".getBytes(StandardCharsets.US_ASCII)};

    /** Once a second (replicationCron): timeouts, ACKs, PINGs, diskless start, backlog TTL. */
    void cron() {
        try {
            cronTicks++;
            long now = System.currentTimeMillis();
            if (link != null) link.cron(now);
            if (masterHost == null && !replicas.isEmpty()) {
                long period = Math.max(1, config.getLong("repl-ping-replica-period"));
                // As Redis: no PING while a manual failover holds the writes, or the offsets the
                // master announced (PAUSED) and the replica must reach would no longer match.
                if (cronTicks % period == 0 && !manualFailoverPaused.getAsBoolean()) {
                    feed(encode(PING));
                }
            }
            flushBatch();
            long timeoutMs = config.getLong("repl-timeout") * 1000;
            for (ReplicaConn r : List.copyOf(replicas)) {
                if (r.state == ReplicaConn.State.WAIT_START || r.state == ReplicaConn.State.WAIT_END) {
                    r.keepAlive(); // "\n" to replicas waiting for their RDB
                }
                if (r.state != null && r.state.online() && !r.plainSync && now - r.ackTimeMs > timeoutMs) {
                    log.warning("Disconnecting timedout replica (streaming sync): " + r.describe());
                    r.client.kill();
                }
            }
            if (waitingDiskless != null) waitingDiskless.maybeStart(now);
            // No replicas for repl-backlog-ttl seconds: free the backlog (only a master without master).
            long ttl = config.getLong("repl-backlog-ttl");
            if (masterHost == null && replicas.isEmpty() && backlog != null && ttl > 0
                    && now - noReplicasSinceMs > ttl * 1000) {
                replId = randomId();
                replId2 = ZERO_ID;
                secondReplOffset = -1;
                backlog = null;
                log.notice("Replication backlog freed after " + ttl + " seconds without connected replicas.");
            }
            refreshGoodReplicas();
        } catch (RuntimeException e) {
            log.warning("replication cron: " + e);
        }
    }

    // ------------------------------------------------------------------ INFO / ROLE

    private void info(Map<String, String> f) {
        f.clear();
        f.put("role", masterHost == null ? "master" : "slave");
        if (masterHost != null) {
            long now = System.currentTimeMillis();
            MasterLink l = link;
            boolean up = linkUp();
            f.put("master_host", masterHost);
            f.put("master_port", Integer.toString(masterPort));
            f.put("master_link_status", up ? "up" : "down");
            f.put("master_last_io_seconds_ago", up ? Long.toString((now - lastMasterInteractionMs) / 1000) : "-1");
            boolean transfer = l != null && l.transferring();
            f.put("master_sync_in_progress", transfer ? "1" : "0");
            f.put("slave_read_repl_offset", Long.toString(l != null && up ? l.readOffset() : masterReplOffset));
            f.put("slave_repl_offset", Long.toString(masterReplOffset));
            if (transfer) {
                long total = l.transferSize(), read = l.transferRead();
                f.put("master_sync_total_bytes", Long.toString(total));
                f.put("master_sync_read_bytes", Long.toString(read));
                f.put("master_sync_left_bytes", Long.toString(total - read));
                f.put("master_sync_perc", String.format("%.2f", total > 0 ? read * 100.0 / total : 0.0));
                f.put("master_sync_last_io_seconds_ago", Long.toString((now - l.lastIoMs()) / 1000));
            }
            if (!up) {
                f.put("master_link_down_since_seconds", linkDownSinceMs == 0 ? "-1"
                        : Long.toString((now - linkDownSinceMs) / 1000));
            }
            f.put("slave_priority", config.get("replica-priority"));
            f.put("slave_read_only", config.getBool("replica-read-only") ? "1" : "0");
            f.put("replica_announced", config.getBool("replica-announced") ? "1" : "0");
        }
        f.put("connected_slaves", Integer.toString(replicas.size()));
        if (minReplicasToWrite() > 0 && config.getLong("min-replicas-max-lag") > 0) {
            f.put("min_slaves_good_slaves", Integer.toString(goodReplicas));
        }
        int i = 0;
        for (ReplicaInfo r : replicas()) {
            f.put("slave" + i++, "ip=" + r.ip() + ",port=" + r.port() + ",state=" + r.state() + ",offset="
                    + r.offset() + ",lag=" + r.lag());
        }
        f.put("master_failover_state", "no-failover");
        f.put("master_replid", replId);
        f.put("master_replid2", replId2);
        f.put("master_repl_offset", Long.toString(masterReplOffset));
        f.put("second_repl_offset", Long.toString(secondReplOffset));
        f.put("repl_backlog_active", backlog != null ? "1" : "0");
        f.put("repl_backlog_size", config.get("repl-backlog-size"));
        f.put("repl_backlog_first_byte_offset", Long.toString(backlog != null ? backlog.firstByteOffset() : 0));
        f.put("repl_backlog_histlen", Long.toString(backlog != null ? backlog.histlen() : 0));
    }

    /** ROLE's state name of a replica (handshake, connect, connecting, sync, connected). */
    String roleState() {
        MasterLink l = link;
        return l == null ? "connect" : l.roleState();
    }

    /** INFO stats: sync_full, sync_partial_ok, sync_partial_err. */
    public long syncFull() { return syncFull; }
    public long syncPartialOk() { return syncPartialOk; }
    public long syncPartialErr() { return syncPartialErr; }

    /** The replica's repl-id/repl-offset written into its own RDB saves (PSYNC after a restart). */
    public io.vermilion.persistence.rdb.RdbWriter.ReplInfo saveInfo() {
        if (masterHost == null && backlog == null) return null;
        int db = masterHost != null ? (link != null ? link.masterDb() : masterDb) : (slaveSelDb == -1 ? 0 : slaveSelDb);
        return new io.vermilion.persistence.rdb.RdbWriter.ReplInfo(db, replId, masterReplOffset);
    }

    /** At startup: an RDB with repl-id/repl-offset on a replica becomes its cached master (PSYNC). */
    public void restoreFromRdb(String id, long offset, int streamDb) {
        if (id == null || id.length() != 40) return;
        replId = id;
        masterReplOffset = offset;
        masterDb = streamDb;
        cachedMaster = true;
        log.notice("Before turning into a replica, using my own master parameters to synthesize a cached master: "
                + "I may be able to synchronize with the new master with just a partial transfer.");
    }
}
