package io.vermilion.cluster.runtime;

import static io.vermilion.cluster.NodeFlags.FAIL;
import static io.vermilion.cluster.NodeFlags.HANDSHAKE;
import static io.vermilion.cluster.NodeFlags.MASTER;
import static io.vermilion.cluster.NodeFlags.MEET;
import static io.vermilion.cluster.NodeFlags.MIGRATE_TO;
import static io.vermilion.cluster.NodeFlags.MYSELF;
import static io.vermilion.cluster.NodeFlags.NOADDR;
import static io.vermilion.cluster.NodeFlags.NOFAILOVER;
import static io.vermilion.cluster.NodeFlags.PFAIL;
import static io.vermilion.cluster.NodeFlags.SLAVE;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vermilion.cluster.ClusterNodeInfo;
import io.vermilion.cluster.LinkState;
import io.vermilion.cluster.NodeId;
import io.vermilion.cluster.NodesConfException;
import io.vermilion.cluster.NodesConfFile;
import io.vermilion.cluster.SlotBitmap;
import io.vermilion.cluster.SlotRange;
import io.vermilion.cluster.bus.BusFrameReader;
import io.vermilion.cluster.bus.BusProtocolException;
import io.vermilion.cluster.bus.ClusterMsg;
import io.vermilion.cluster.bus.ClusterMsgCodec;
import io.vermilion.cluster.bus.ClusterMsgHeader;
import io.vermilion.cluster.bus.ClusterMsgLayout;
import io.vermilion.cluster.bus.GossipEntry;
import io.vermilion.cluster.bus.MessageType;
import io.vermilion.cluster.bus.MsgBody;
import io.vermilion.cluster.bus.PingExt;
import io.vermilion.config.Config;
import io.vermilion.server.Server;
import io.vermilion.util.HashSlot;
import io.vermilion.util.Log;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cluster state machine of one node (Redis's clusterState plus the logic of cluster.c that
 * drives it): the node table, slot ownership, migrating/importing marks, epochs, failure
 * detection, gossip, and the persistence of all that in nodes.conf.
 *
 * <p>Everything runs on the node's single event loop — bus events, the 100 ms cron and the
 * CLUSTER commands — so nothing here is locked. Changes that Redis applies "before sleeping"
 * (recomputing the cluster state, saving nodes.conf) are queued with {@link #todo} and run as a
 * separate task right after the current event, or at the end of a CLUSTER command.
 *
 * <p>The behaviour follows Redis 7.0 rule by rule (docs/cluster.md describes it); the replica
 * side of failover and replica migration are in {@link ClusterFailover} (docs/failover.md).
 */
public final class ClusterState {
    static final int TODO_HANDLE_FAILOVER = 1;
    static final int TODO_UPDATE_STATE = 1 << 1;
    static final int TODO_SAVE_CONFIG = 1 << 2;
    static final int TODO_FSYNC_CONFIG = 1 << 3;
    static final int TODO_HANDLE_MANUALFAILOVER = 1 << 4;

    static final int STATE_OK = ClusterMsgLayout.CLUSTER_OK;
    static final int STATE_FAIL = ClusterMsgLayout.CLUSTER_FAIL;

    static final int SLOTS = HashSlot.SLOTS;
    static final int FAIL_REPORT_VALIDITY_MULT = 2;
    static final int FAIL_UNDO_TIME_MULT = 2;
    static final long BLACKLIST_TTL_SEC = 60;
    static final long MAX_REJOIN_DELAY = 5000;
    static final long MIN_REJOIN_DELAY = 500;
    static final long WRITABLE_DELAY = 2000;
    static final int PORT_INCR = 10000;
    /** Largest bus frame we buffer (Redis has no limit; see docs/cluster-bus.md). */
    static final long MAX_FRAME = BusFrameReader.DEFAULT_MAX_FRAME;

    /** Hears PUBLISH / SPUBLISH messages that arrive over the bus (Pub/Sub plugs in here). */
    public interface PublishListener {
        void deliver(byte[] channel, byte[] message, boolean sharded);
    }

    /** Told when cluster reconfiguration makes this node a replica of another (replication plugs in here). */
    public interface ReplicationListener {
        void replicate(String ip, int port);
    }

    private final Server server;
    private final Config config;
    private final Log log;
    private EventLoop loop;
    private ClusterBus bus;
    private ScheduledFuture<?> cronTask;
    private ClusterConfigFile configFile;
    private boolean repliesHooked;
    private boolean pongScheduled;

    final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    ClusterNode myself;
    long currentEpoch;
    long lastVoteEpoch;
    int state = STATE_FAIL;
    int size = 1;
    final ClusterNode[] slots = new ClusterNode[SLOTS];
    /** Open slots. Set a non-null entry only through {@link #setMigrating}/{@link #setImporting}. */
    final ClusterNode[] migratingTo = new ClusterNode[SLOTS];
    final ClusterNode[] importingFrom = new ClusterNode[SLOTS];
    /**
     * False only when no slot is open: set by every store of an open slot, cleared by
     * {@link #describe} when its scan finds none, so that describing myself (each nodes.conf save,
     * CLUSTER NODES) skips the 16384-slot scan in the common case.
     */
    private boolean maybeOpenSlots;

    void setMigrating(int slot, ClusterNode to) {
        migratingTo[slot] = to;
        if (to != null) maybeOpenSlots = true;
    }

    void setImporting(int slot, ClusterNode from) {
        importingFrom[slot] = from;
        if (from != null) maybeOpenSlots = true;
    }
    /** Slots whose owner stopped claiming them: kept bound, but not advertised in UPDATEs. */
    final SlotBitmap ownerNotClaiming = new SlotBitmap();
    /** FORGET ban: node id -> unix second when it may be re-added. */
    private final Map<String, Long> blacklist = new LinkedHashMap<>();
    final long[] statsSent = new long[MessageType.COUNT];
    final long[] statsReceived = new long[MessageType.COUNT];
    long statLinksBufferLimitExceeded;
    private int statPfailNodes;
    private long iteration;
    private long pingsSent;
    private long amongMinorityTime;
    private long firstUpdateStateCall;
    private int todo;
    private boolean todoScheduled;
    private String prevAnnounceIp;
    private final Set<ClusterLink> links = new HashSet<>();
    private PublishListener publishListener;
    private ReplicationListener replicationListener;
    private ReplicationHook replication = ReplicationHook.none();
    final ClusterFailover failover;
    private int busPort;
    private boolean closed;
    private BusTls busTls;

    public ClusterState(Server server) {
        this.server = server;
        this.config = server.config();
        this.log = server.log();
        this.failover = new ClusterFailover(this, log);
    }

    /** The cluster state of a node in cluster mode, or null when cluster support is disabled. */
    public static ClusterState of(Server server) {
        return server.router() instanceof ClusterRouter r ? r.state() : null;
    }

    // ================================================================== start and stop

    /**
     * Locks and loads nodes.conf (or creates the node's identity and writes it), as Redis's
     * clusterInit does before the node serves anything.
     */
    public void init() throws ClusterStartupException {
        int port = config.getBool("tls-cluster") ? config.getInt("tls-port") : config.getInt("port");
        if (config.getInt("cluster-port") == 0 && port > 65535 - PORT_INCR) {
            throw new ClusterStartupException("Redis port number too high. Cluster communication port is 10,000 port "
                    + "numbers higher than your Redis port. Your Redis port number must be 55535 or less.");
        }
        String name = config.get("cluster-config-file");
        configFile = new ClusterConfigFile(name, config.resolve(name));
        configFile.lock();
        boolean loaded;
        try {
            loaded = load();
        } catch (ClusterStartupException e) {
            configFile.close();
            throw e;
        }
        if (!loaded) {
            myself = new ClusterNode(NodeId.random(), MYSELF | MASTER, now());
            log.notice("No cluster configuration found, I'm " + myself.name);
            addNode(myself);
            try {
                saveConfig(true);
            } catch (IOException e) {
                configFile.close();
                throw new ClusterStartupException("Fatal: can't update cluster config file.", e);
            }
        }
        refreshMyselfFromConfig(config.getInt("port"));
    }

    private boolean load() throws ClusterStartupException {
        Optional<NodesConfFile> file;
        try {
            file = configFile.read();
        } catch (IOException e) {
            throw new ClusterStartupException("Loading the cluster node config from " + config.get("cluster-config-file")
                    + ": " + e.getMessage(), e);
        } catch (NodesConfException e) {
            throw new ClusterStartupException("Unrecoverable error: corrupted cluster config file. ("
                    + configFile.path() + ": " + e.getMessage() + ")", e);
        }
        if (file.isEmpty()) return false;
        NodesConfFile conf = file.get();
        long now = now();
        for (ClusterNodeInfo info : conf.nodes()) {
            ClusterNode n = getOrCreate(info.id(), now);
            n.hostname = info.hostname();
            n.ip = info.ip();
            n.port = info.port();
            n.cport = info.cport();
            n.flags |= info.flags();
            if (n.failed()) n.failTime = now;
            if (n.isMyself()) myself = n;
            if (info.masterId() != null) {
                ClusterNode m = getOrCreate(info.masterId(), now);
                n.master = m;
                m.addReplica(n);
            }
            if (info.pingSent() != 0) n.pingSent = now;
            if (info.pongRecv() != 0) n.pongReceived = now;
            n.configEpoch = (n.isReplica() && n.master != null) ? 0 : info.configEpoch();
            for (SlotRange r : info.slots()) {
                for (int s = r.start(); s <= r.end(); s++) addSlot(n, s);
            }
            for (Map.Entry<Integer, String> e : info.migrating().entrySet()) {
                setMigrating(e.getKey(), getOrCreate(e.getValue(), now));
            }
            for (Map.Entry<Integer, String> e : info.importing().entrySet()) {
                setImporting(e.getKey(), getOrCreate(e.getValue(), now));
            }
        }
        currentEpoch = conf.currentEpoch();
        lastVoteEpoch = conf.lastVoteEpoch();
        log.notice("Node configuration loaded, I'm " + myself.name);
        long max = maxEpoch();
        if (Long.compareUnsigned(max, currentEpoch) > 0) currentEpoch = max;
        return true;
    }

    private ClusterNode getOrCreate(String id, long now) {
        ClusterNode n = nodes.get(id);
        if (n == null) {
            n = new ClusterNode(id, 0, now);
            addNode(n);
        }
        return n;
    }

    /** Binds the bus port on the node's event loop and starts the cron. */
    public void start(EventLoop loop, List<String> binds, int clientPort) throws ClusterStartupException {
        this.loop = loop;
        int cport = config.getInt("cluster-port");
        if (cport == 0) cport = clientPort + PORT_INCR;
        busPort = cport;
        refreshMyselfFromConfig(config.getInt("port"));
        bus = new ClusterBus(this, loop, busTls);
        try {
            bus.listen(binds, cport);
        } catch (Exception e) {
            throw new ClusterStartupException("Failed listening on port " + cport + " (cluster), aborting.", e);
        }
        cronTask = loop.scheduleAtFixedRate(this::cron, 100, 100, TimeUnit.MILLISECONDS);
        server.beforeReplies(this::beforeReplies);
        repliesHooked = true;
    }

    /** Closes the bus and releases nodes.conf (must run off the event loop or on it; it does not wait). */
    public void close() {
        if (closed) return;
        closed = true;
        Runnable r = () -> {
            if (cronTask != null) cronTask.cancel(false);
            for (ClusterLink l : new ArrayList<>(links)) l.close();
            links.clear();
            if (bus != null) bus.close();
        };
        if (loop == null || loop.inEventLoop() || loop.isShuttingDown()) {
            if (cronTask != null) cronTask.cancel(false);
            for (ClusterLink l : new ArrayList<>(links)) l.close();
            if (bus != null) bus.close();
        } else {
            try {
                loop.submit(r).syncUninterruptibly();
            } catch (RuntimeException e) {
                // the loop is going away anyway
            }
        }
        if (configFile != null) configFile.close();
    }

    public int busPort() { return busPort; }
    public Server server() { return server; }
    public ClusterNode myself() { return myself; }
    public String myId() { return myself.name; }
    public Collection<ClusterNode> nodes() { return Collections.unmodifiableCollection(nodes.values()); }
    public ClusterNode slotOwner(int slot) { return slots[slot]; }
    public boolean ok() { return state == STATE_OK; }
    public long currentEpoch() { return currentEpoch; }
    public void publishListener(PublishListener l) { publishListener = l; }
    /** Told when a slot served by this node's shard is deleted (its shard channels are dropped). */
    public void shardSlotListener(java.util.function.IntConsumer l) { shardSlotListener = l; }
    private java.util.function.IntConsumer shardSlotListener;
    /** TLS for the bus links (tls-cluster); set before {@link #start}. */
    public void tls(BusTls t) { busTls = t; }
    public void replicationListener(ReplicationListener l) { replicationListener = l; }
    /** Plugs replication in (see {@link ReplicationHook}); call before start. */
    public void replication(ReplicationHook r) { replication = r == null ? ReplicationHook.none() : r; }

    /** True while this master holds its writes for a replica's manual failover (replication sends no PING then). */
    public boolean manualFailoverPaused() { return failover.masterPausedForManualFailover(); }
    ReplicationHook replication() { return replication; }
    Config config() { return config; }

    static long now() {
        return System.currentTimeMillis();
    }

    long nodeTimeout() {
        return config.getLong("cluster-node-timeout");
    }

    // ================================================================== myself and configuration

    /**
     * Keeps myself in sync with the announce-* settings and cluster-replica-no-failover, which
     * CONFIG SET may change at any time (Redis re-reads them in its cron too).
     */
    private void refreshMyselfFromConfig(int clientPort) {
        if (myself == null) return;
        // Redis's deriveAnnouncedPorts: with tls-cluster the node's port is its TLS port and the
        // plaintext port travels as pport; cluster-announce-tls-port/-port override them.
        boolean tlsCluster = config.getBool("tls-cluster");
        int annPort = config.getInt("cluster-announce-port");
        int annTls = config.getInt("cluster-announce-tls-port");
        int annBus = config.getInt("cluster-announce-bus-port");
        int cport = config.getInt("cluster-port");
        int port = tlsCluster ? config.getInt("tls-port") : clientPort;
        myself.port = port;
        myself.pport = tlsCluster ? clientPort : 0;
        myself.cport = cport != 0 ? cport : port + PORT_INCR;
        if (tlsCluster && annTls != 0) {
            myself.port = annTls;
            myself.pport = annPort;
        } else if (annPort != 0) {
            myself.port = annPort;
        }
        if (annBus != 0) myself.cport = annBus;
        int oldFlags = myself.flags;
        myself.flags &= ~NOFAILOVER;
        if (config.getBool("cluster-replica-no-failover")) myself.flags |= NOFAILOVER;
        if (myself.flags != oldFlags) todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
        String annIp = announceIp();
        if (!java.util.Objects.equals(annIp, prevAnnounceIp)) {
            prevAnnounceIp = annIp;
            if (annIp != null) {
                myself.ip = annIp.length() > ClusterMsgLayout.IP_LEN - 1 ? annIp.substring(0, ClusterMsgLayout.IP_LEN - 1) : annIp;
            } else {
                myself.ip = ""; // force autodetection by the next MEET
            }
        }
        String host = config.get("cluster-announce-hostname");
        myself.hostname = host == null ? "" : host;
    }

    private String announceIp() {
        String v = config.get("cluster-announce-ip");
        return v == null || v.isEmpty() ? null : v;
    }

    private int clientPort() {
        int p = server.tcpPort();
        return p > 0 ? p : config.getInt("port");
    }

    // ================================================================== node table

    void addNode(ClusterNode n) {
        nodes.put(n.name, n);
    }

    public ClusterNode lookup(String name) {
        if (name == null || !NodeId.isValid(name)) return null;
        return nodes.get(name);
    }

    void renameNode(ClusterNode n, String newName) {
        log.debug("Renaming node " + n.name + " into " + newName);
        nodes.remove(n.name);
        n.name = newName;
        nodes.put(newName, n);
    }

    /** Forgets a node: its slots become unassigned, its reports vanish, its links close. */
    void delNode(ClusterNode del) {
        for (int j = 0; j < SLOTS; j++) {
            if (importingFrom[j] == del) importingFrom[j] = null;
            if (migratingTo[j] == del) migratingTo[j] = null;
            if (slots[j] == del) delSlot(j);
        }
        for (ClusterNode n : nodes.values()) {
            if (n != del) delFailureReport(n, del);
        }
        for (ClusterNode r : del.replicas) r.master = null;
        if (del.isReplica() && del.master != null) del.master.removeReplica(del);
        nodes.remove(del.name);
        if (del.link != null) freeLink(del.link);
        if (del.inboundLink != null) freeLink(del.inboundLink);
    }

    long maxEpoch() {
        long max = 0;
        for (ClusterNode n : nodes.values()) {
            if (Long.compareUnsigned(n.configEpoch, max) > 0) max = n.configEpoch;
        }
        if (Long.compareUnsigned(currentEpoch, max) > 0) max = currentEpoch;
        return max;
    }

    /** Takes a new config epoch without agreement when ours is 0 or not the largest (slot import, BUMPEPOCH). */
    boolean bumpEpochWithoutConsensus() {
        long max = maxEpoch();
        if (myself.configEpoch == 0 || myself.configEpoch != max) {
            currentEpoch++;
            myself.configEpoch = currentEpoch;
            todo(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
            log.warning("New configEpoch set to " + Long.toUnsignedString(myself.configEpoch));
            return true;
        }
        return false;
    }

    /**
     * Two masters with one config epoch: the one with the smaller id moves to a new epoch, so that
     * eventually every master has its own.
     */
    private void handleConfigEpochCollision(ClusterNode sender) {
        if (sender.configEpoch != myself.configEpoch || !sender.isMaster() || !myself.isMaster()) return;
        if (sender.name.compareTo(myself.name) <= 0) return;
        currentEpoch++;
        myself.configEpoch = currentEpoch;
        saveConfigOrDie(true);
        log.verbose("WARNING: configEpoch collision with node " + sender.name + ". configEpoch set to "
                + Long.toUnsignedString(myself.configEpoch));
    }

    // ---------------------------------------------------------------- blacklist (FORGET)

    private void blacklistCleanup() {
        long nowSec = now() / 1000;
        blacklist.values().removeIf(exp -> exp < nowSec);
    }

    void blacklistAdd(ClusterNode n) {
        blacklistCleanup();
        blacklist.put(n.name, now() / 1000 + BLACKLIST_TTL_SEC);
    }

    boolean blacklisted(String id) {
        blacklistCleanup();
        return blacklist.containsKey(id);
    }

    // ---------------------------------------------------------------- slots

    boolean addSlot(ClusterNode n, int slot) {
        if (slots[slot] != null) return false;
        if (!n.setSlotBit(slot) && n.numSlots == 1 && mastersHaveReplicas()) n.flags |= MIGRATE_TO;
        slots[slot] = n;
        return true;
    }

    boolean delSlot(int slot) {
        ClusterNode n = slots[slot];
        if (n == null) return false;
        // As clusterDelSlot: a slot our shard served takes its shard channels' subscribers along.
        if (shardSlotListener != null) {
            ClusterNode primary = n.isMaster() ? n : n.master;
            if (primary == myself || (primary != null && myself.master == primary)) shardSlotListener.accept(slot);
        }
        n.clearSlotBit(slot);
        slots[slot] = null;
        return true;
    }

    int delNodeSlots(ClusterNode n) {
        int deleted = 0;
        for (int j = 0; j < SLOTS; j++) {
            if (n.slots.get(j)) {
                delSlot(j);
                deleted++;
            }
        }
        return deleted;
    }

    private boolean mastersHaveReplicas() {
        for (ClusterNode n : nodes.values()) {
            if (!n.isReplica() && !n.replicas.isEmpty()) return true;
        }
        return false;
    }

    void closeAllSlots() {
        Arrays.fill(migratingTo, null);
        Arrays.fill(importingFrom, null);
    }

    boolean slotUnclaimed(int slot) {
        return slots[slot] == null || ownerNotClaiming.get(slot);
    }

    int countKeysInSlot(int slot) {
        return server.keyspace().db(0).countInSlot(slot);
    }

    // ---------------------------------------------------------------- roles

    void setNodeAsMaster(ClusterNode n) {
        if (n.isMaster()) return;
        if (n.master != null) {
            n.master.removeReplica(n);
            if (n != myself) n.flags |= MIGRATE_TO;
        }
        n.flags &= ~SLAVE;
        n.flags |= MASTER;
        n.master = null;
        todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
    }

    /** Makes this node a replica of n (after losing its last slot to n). */
    void setMaster(ClusterNode n) {
        if (myself.isMaster()) {
            myself.flags &= ~(MASTER | MIGRATE_TO);
            myself.flags |= SLAVE;
            closeAllSlots();
        } else if (myself.master != null) {
            myself.master.removeReplica(myself);
        }
        myself.master = n;
        n.addReplica(myself);
        startReplication(n);
        failover.reset();
    }

    /** Points replication at our master's address (replicationSetMaster). */
    void startReplication(ClusterNode master) {
        replication.replicaOf(master.ip, master.port);
        if (replicationListener != null) replicationListener.replicate(master.ip, master.port);
    }

    /**
     * CLUSTER RESET: forget every other node, release all slots and migrations, become a master
     * again; HARD also takes a new id and zeroes the epochs.
     */
    void reset(boolean hard) {
        if (myself.isReplica()) {
            setNodeAsMaster(myself);
            replication.becomeMaster();
            server.keyspace().db(0).flush();
            for (int j = 1; j < server.keyspace().databases(); j++) server.keyspace().db(j).flush();
        }
        closeAllSlots();
        for (int j = 0; j < SLOTS; j++) delSlot(j);
        for (ClusterNode n : new ArrayList<>(nodes.values())) {
            if (n != myself) delNode(n);
        }
        if (hard) {
            currentEpoch = 0;
            lastVoteEpoch = 0;
            myself.configEpoch = 0;
            log.warning("configEpoch set to 0 via CLUSTER RESET HARD");
            renameNode(myself, NodeId.random());
            log.notice("Node hard reset, now I'm " + myself.name);
        }
        todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG);
    }

    // ================================================================== failure reports

    private boolean addFailureReport(ClusterNode failing, ClusterNode sender) {
        boolean fresh = !failing.failReports.containsKey(sender);
        failing.failReports.put(sender, now());
        return fresh;
    }

    private void cleanupFailureReports(ClusterNode n) {
        long maxAge = nodeTimeout() * FAIL_REPORT_VALIDITY_MULT;
        long now = now();
        n.failReports.values().removeIf(t -> now - t > maxAge);
    }

    private boolean delFailureReport(ClusterNode n, ClusterNode sender) {
        if (n.failReports.remove(sender) == null) return false;
        cleanupFailureReports(n);
        return true;
    }

    int failureReportsCount(ClusterNode n) {
        cleanupFailureReports(n);
        return n.failReports.size();
    }

    /** PFAIL becomes FAIL once a majority of masters (us included, if a master) report it. */
    private void markFailingIfNeeded(ClusterNode n) {
        int quorum = size / 2 + 1;
        if (!n.timedOut() || n.failed()) return;
        int failures = failureReportsCount(n);
        if (myself.isMaster()) failures++;
        if (failures < quorum) return;
        log.notice("Marking node " + n.name + " as failing (quorum reached).");
        n.flags &= ~PFAIL;
        n.flags |= FAIL;
        n.failTime = now();
        sendFail(n.name);
        todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
    }

    /** A FAILed node answered again: replicas and slot-less masters are cleared at once, others after 2x timeout. */
    private void clearFailureIfNeeded(ClusterNode n) {
        long now = now();
        if (n.isReplica() || n.numSlots == 0) {
            log.notice("Clear FAIL state for node " + n.name + ": " + (n.isReplica() ? "replica" : "master without slots")
                    + " is reachable again.");
            n.flags &= ~FAIL;
            todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
        }
        if (n.isMaster() && n.numSlots > 0 && now - n.failTime > nodeTimeout() * FAIL_UNDO_TIME_MULT) {
            log.notice("Clear FAIL state for node " + n.name
                    + ": is reachable again and nobody is serving its slots after some time.");
            n.flags &= ~FAIL;
            todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
        } else if (n.isMaster() && n.numSlots > 0 && n.replicas.isEmpty()) {
            // Better than Redis here: Redis waits 2 x node-timeout after the failure so that a
            // replica can be promoted first. A master without replicas has nobody to hand its
            // slots to, so waiting only keeps them down: clear the failure as soon as it answers.
            log.notice("Clear FAIL state for node " + n.name
                    + ": master without replicas is reachable again.");
            n.flags &= ~FAIL;
            todo(TODO_UPDATE_STATE | TODO_SAVE_CONFIG);
        }
    }

    // ================================================================== handshake (MEET)

    private boolean handshakeInProgress(String ip, int port, int cport) {
        for (ClusterNode n : nodes.values()) {
            if (n.inHandshake() && n.ip.equalsIgnoreCase(ip) && n.port == port && n.cport == cport) return true;
        }
        return false;
    }

    /** Result of {@link #startHandshake}. */
    enum Handshake { STARTED, IN_PROGRESS, INVALID }

    /** CLUSTER MEET: adds a node in handshake under a random name; the first PONG tells its real one. */
    Handshake startHandshake(String ip, long port, long cport) {
        String norm = Ips.normalize(ip);
        if (norm == null) return Handshake.INVALID;
        if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) return Handshake.INVALID;
        if (handshakeInProgress(norm, (int) port, (int) cport)) return Handshake.IN_PROGRESS;
        ClusterNode n = new ClusterNode(NodeId.random(), HANDSHAKE | MEET, now());
        n.ip = norm;
        n.port = (int) port;
        n.cport = (int) cport;
        addNode(n);
        return Handshake.STARTED;
    }

    // ================================================================== links

    /** A peer connected to our bus port: a link with no node until its first packet says who it is. */
    ClusterLink accepted(Channel ch) {
        ClusterLink link = new ClusterLink(null, true, now(), MAX_FRAME);
        link.channel = ch;
        link.active = true;
        links.add(link);
        log.verbose("Accepting cluster node connection from " + Ips.of(ch.remoteAddress()) + ":"
                + (ch.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getPort() : 0));
        return link;
    }

    void connected(ClusterLink link) {
        if (link.freed) {
            if (link.channel != null) link.channel.close();
            return;
        }
        link.activated();
        ClusterNode node = link.node;
        node.connectFailures = 0;
        long oldPingSent = node.pingSent;
        sendPing(link, node.has(MEET) ? MessageType.MEET : MessageType.PING);
        // A ping pending on the previous link keeps counting towards the timeout.
        if (oldPingSent != 0) node.pingSent = oldPingSent;
        node.flags &= ~MEET;
        log.debug("Connecting with Node " + node.name + " at " + node.ip + ":" + node.cport);
    }

    void connectFailed(ClusterLink link, Throwable cause) {
        if (link.freed) return;
        ClusterNode node = link.node;
        log.verbose("Connection with Node " + node.name + " at " + node.ip + ":" + node.cport + " failed: "
                + (cause == null ? "unknown error" : cause.getMessage()));
        noteConnectFailure(node);
        freeLink(link);
    }

    private void noteConnectFailure(ClusterNode node) {
        long now = now();
        // Without a pending ping an unreachable node would never time out.
        if (node.pingSent == 0) node.pingSent = now;
        node.connectFailures++;
        node.nextConnectTime = now + reconnectDelay(node.connectFailures);
    }

    /** Back-off between failed connection attempts: 100 ms doubling up to 1 s (well below any sane node timeout). */
    private long reconnectDelay(int failures) {
        long d = 100L << Math.min(failures - 1, 4);
        return Math.min(d, Math.min(1000, Math.max(100, nodeTimeout() / 4)));
    }

    void ioError(ClusterLink link) {
        if (!link.freed) {
            log.debug("I/O error reading from node link: connection closed");
            freeLink(link);
        }
    }

    void badFrame(ClusterLink link, BusProtocolException e) {
        if (e.getMessage().startsWith("Bad message length or signature")) {
            log.warning("Bad message length or signature received from Cluster bus.");
        } else {
            log.warning(e.getMessage());
        }
        freeLink(link);
    }

    void freeLink(ClusterLink link) {
        link.close();
        links.remove(link);
        ClusterNode n = link.node;
        if (n != null) {
            if (n.link == link) n.link = null;
            else if (n.inboundLink == link) n.inboundLink = null;
        }
    }

    private void setInboundLink(ClusterNode node, ClusterLink link) {
        if (node.inboundLink != null && node.inboundLink != link) {
            // The peer reconnected before we noticed the old link die: keep the newer one.
            log.debug("Replacing inbound link from node " + node.name);
            freeLink(node.inboundLink);
        }
        node.inboundLink = link;
        link.node = node;
    }

    Collection<ClusterLink> links() {
        return links;
    }

    // ================================================================== sending

    void send(ClusterLink link, byte[] msg, int type) {
        if (link == null) return;
        link.send(msg);
        if (type < statsSent.length) statsSent[type]++;
    }

    void broadcast(byte[] msg, int type) {
        for (ClusterNode n : new ArrayList<>(nodes.values())) {
            if (n.has(MYSELF | HANDSHAKE)) continue;
            send(n.link, msg, type);
        }
    }

    /** The header every message starts with (clusterBuildMessageHdr). */
    ClusterMsgHeader.Builder header(MessageType type) {
        ClusterNode master = (myself.isReplica() && myself.master != null) ? myself.master : myself;
        String ip = announceIp();
        if (ip != null && ip.length() > ClusterMsgLayout.IP_LEN - 1) ip = ip.substring(0, ClusterMsgLayout.IP_LEN - 1);
        return ClusterMsgHeader.builder()
                .type(type)
                .sender(myself.name)
                .myip(ip == null ? "" : ip)
                .myslots(master.slots)
                .slaveof(myself.master != null ? myself.master.name : null)
                .port(myself.port)
                .pport(myself.pport)
                .cport(myself.cport)
                .flags(myself.flags & 0xffff)
                .state(state)
                .currentEpoch(currentEpoch)
                .configEpoch(master.configEpoch)
                .offset(replication.offset())
                .mflags0(failover.masterPausedForManualFailover() ? ClusterMsgLayout.FLAG0_PAUSED : 0);
    }

    private static GossipEntry gossipEntry(ClusterNode n) {
        return new GossipEntry(n.name, (n.pingSent / 1000) & 0xffffffffL, (n.pongReceived / 1000) & 0xffffffffL,
                n.ip.length() > ClusterMsgLayout.IP_LEN ? n.ip.substring(0, ClusterMsgLayout.IP_LEN) : n.ip,
                n.port, n.cport, n.flags & 0xffff, n.pport);
    }

    /**
     * PING/PONG/MEET with a gossip section: about a tenth of the known nodes (at least 3) picked
     * at random among those worth talking about, plus every node we think is PFAIL, so failure
     * reports travel fast.
     */
    void sendPing(ClusterLink link, MessageType type) {
        pingsSent++;
        int known = nodes.size();
        int fresh = known - 2;
        int wanted = Math.max(3, known / 10);
        if (wanted > fresh) wanted = fresh;
        int pfailWanted = statPfailNodes;
        if (!link.inbound && type == MessageType.PING) link.node.pingSent = now();
        List<GossipEntry> gossip = new ArrayList<>();
        List<ClusterNode> all = new ArrayList<>(nodes.values());
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int maxIterations = wanted * 3;
        while (fresh > 0 && gossip.size() < wanted && maxIterations-- > 0) {
            ClusterNode n = all.get(rnd.nextInt(all.size()));
            if (n == myself) continue;
            if (n.timedOut()) continue;
            if (n.has(HANDSHAKE | NOADDR) || (n.link == null && n.numSlots == 0)) {
                fresh--; // not exact, as in Redis: it only bounds the work
                continue;
            }
            if (n.lastInPingGossip == pingsSent) continue;
            gossip.add(gossipEntry(n));
            n.lastInPingGossip = pingsSent;
            fresh--;
        }
        if (pfailWanted > 0) {
            for (ClusterNode n : all) {
                if (pfailWanted <= 0) break;
                if (n.has(HANDSHAKE | NOADDR) || !n.timedOut()) continue;
                gossip.add(gossipEntry(n));
                pfailWanted--;
            }
        }
        List<PingExt> exts = myself.hostname.isEmpty() ? List.of() : List.of(new PingExt.Hostname(myself.hostname));
        ClusterMsg msg = ClusterMsg.ping(type, header(type).build(), gossip, exts);
        send(link, ClusterMsgCodec.encode(msg), type.code());
    }

    /** PONG to every connected node: spreads a configuration change at once. */
    void broadcastPong() {
        for (ClusterNode n : new ArrayList<>(nodes.values())) {
            if (n.link == null || n == myself || n.inHandshake()) continue;
            sendPing(n.link, MessageType.PONG);
        }
    }

    /**
     * A PONG to every node once the current event is handled: after nodes.conf is saved and the
     * replies are flushed, as the bus writes of Redis leave after its before-sleep work. A
     * pipeline of SETSLOT NODE (vermilion-cli moves slots in groups) then sends one PONG with
     * every new slot, not one per slot, and each peer rebinds and saves once.
     */
    void broadcastPongSoon() {
        if (loop == null) {
            broadcastPong();
            return;
        }
        if (pongScheduled) return;
        pongScheduled = true;
        loop.execute(() -> {
            pongScheduled = false;
            if (!closed) broadcastPong();
        });
    }

    private void sendFail(String nodeName) {
        ClusterMsg msg = ClusterMsg.fail(header(MessageType.FAIL).build(), nodeName);
        broadcast(ClusterMsgCodec.encode(msg), MessageType.FAIL.code());
    }

    /** Tells a node with a stale view the slots of 'node' as we know them. */
    private void sendUpdate(ClusterLink link, ClusterNode node) {
        if (link == null) return;
        SlotBitmap s = node.slots.copy();
        for (int j = 0; j < SLOTS; j++) {
            if (ownerNotClaiming.get(j)) s.clear(j); // do not advertise slots their owner gave up
        }
        ClusterMsg msg = ClusterMsg.update(header(MessageType.UPDATE).build(), node.configEpoch, node.name, s);
        send(link, ClusterMsgCodec.encode(msg), MessageType.UPDATE.code());
    }

    /**
     * PUBLISH goes to every node; SPUBLISH to the nodes of our shard only (Pub/Sub calls this).
     */
    public void propagatePublish(byte[] channel, byte[] message, boolean sharded) {
        MessageType type = sharded ? MessageType.PUBLISHSHARD : MessageType.PUBLISH;
        byte[] bytes = ClusterMsgCodec.encode(ClusterMsg.publish(sharded, header(type).build(), channel, message));
        if (!sharded) {
            broadcast(bytes, type.code());
            return;
        }
        ClusterNode primary = myself.isMaster() ? myself : myself.master;
        if (primary == null) return;
        List<ClusterNode> shard = new ArrayList<>();
        shard.add(primary);
        shard.addAll(primary.replicas);
        for (ClusterNode n : shard) {
            if (n.has(MYSELF | HANDSHAKE)) continue;
            send(n.link, bytes, type.code());
        }
    }

    /** Votes for a replica that asks to replace its failed master, when the rules allow it. */
    private void sendFailoverAuthIfNeeded(ClusterNode node, ClusterMsgHeader request) {
        ClusterNode master = node.master;
        long reqCurrentEpoch = request.currentEpoch();
        long reqConfigEpoch = request.configEpoch();
        boolean forceAck = request.hasMflag0(ClusterMsgLayout.FLAG0_FORCEACK);
        if (myself.isReplica() || myself.numSlots == 0) return;
        if (Long.compareUnsigned(reqCurrentEpoch, currentEpoch) < 0) {
            log.warning("Failover auth denied to " + node.name + ": reqEpoch (" + Long.toUnsignedString(reqCurrentEpoch)
                    + ") < curEpoch(" + Long.toUnsignedString(currentEpoch) + ")");
            return;
        }
        if (lastVoteEpoch == currentEpoch) {
            log.warning("Failover auth denied to " + node.name + ": already voted for epoch " + Long.toUnsignedString(currentEpoch));
            return;
        }
        if (node.isMaster() || master == null || (!master.failed() && !forceAck)) {
            if (node.isMaster()) log.warning("Failover auth denied to " + node.name + ": it is a master node");
            else if (master == null) log.warning("Failover auth denied to " + node.name + ": I don't know its master");
            else log.warning("Failover auth denied to " + node.name + ": its master is up");
            return;
        }
        long now = now();
        // Two replicas of one master must not both win within two node timeouts; a manual
        // failover (FORCEACK) has one candidate only, and the 5 s it has must not be lost to a
        // vote of the last seconds (Redis 7.0 applies the rule to it too; Valkey 8 does not).
        if (!forceAck && now - master.votedTime < nodeTimeout() * 2) {
            log.warning("Failover auth denied to " + node.name + ": can't vote about this master before "
                    + (nodeTimeout() * 2 - (now - master.votedTime)) + " milliseconds");
            return;
        }
        SlotBitmap claimed = request.myslots();
        for (int j = 0; j < SLOTS; j++) {
            if (!claimed.get(j)) continue;
            if (slotUnclaimed(j) || Long.compareUnsigned(slots[j].configEpoch, reqConfigEpoch) <= 0) continue;
            log.warning("Failover auth denied to " + node.name + ": slot " + j + " epoch ("
                    + Long.toUnsignedString(slots[j].configEpoch) + ") > reqEpoch (" + Long.toUnsignedString(reqConfigEpoch) + ")");
            return;
        }
        lastVoteEpoch = currentEpoch;
        master.votedTime = now;
        todo(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
        if (node.link != null) {
            ClusterMsg ack = ClusterMsg.headerOnly(MessageType.FAILOVER_AUTH_ACK, header(MessageType.FAILOVER_AUTH_ACK).build());
            send(node.link, ClusterMsgCodec.encode(ack), MessageType.FAILOVER_AUTH_ACK.code());
        }
        log.warning("Failover auth granted to " + node.name + " for epoch " + Long.toUnsignedString(currentEpoch));
    }

    // ================================================================== receiving

    /** Handles one well-delimited frame from a link (clusterProcessPacket). */
    void process(ClusterLink link, byte[] frame) {
        int type = ((frame[ClusterMsgLayout.OFF_TYPE] & 0xff) << 8) | (frame[ClusterMsgLayout.OFF_TYPE + 1] & 0xff);
        // Redis counts every packet it gets before validating it.
        if (type < statsReceived.length) statsReceived[type]++;
        ClusterMsg msg;
        try {
            msg = ClusterMsgCodec.decode(frame);
        } catch (BusProtocolException e) {
            if (e.closesLink()) {
                badFrame(link, e);
            } else if (!e.getMessage().startsWith("unsupported cluster bus protocol version")) {
                log.warning(e.getMessage()); // a version mismatch is dropped silently, as Redis does
            }
            return;
        }
        try {
            handle(link, msg, type);
        } catch (RuntimeException e) {
            // A packet we cannot make sense of must not take the node down.
            log.warning("Error processing cluster bus packet of type " + MessageType.textOf(type) + ": " + e);
        }
    }

    private ClusterNode senderOf(ClusterLink link, ClusterMsgHeader h) {
        if (link.node != null && !link.node.inHandshake()) return link.node;
        ClusterNode sender = lookup(h.sender());
        if (sender != null && link.node == null) setInboundLink(sender, link);
        return sender;
    }

    private void handle(ClusterLink link, ClusterMsg msg, int type) {
        ClusterMsgHeader h = msg.header();
        MessageType mt = msg.messageType();
        long now = now();
        ClusterNode sender = senderOf(link, h);
        if (sender != null) sender.dataReceived = now;
        long senderConfigEpoch = 0;
        long senderCurrentEpoch = 0;
        if (sender != null && !sender.inHandshake()) {
            senderCurrentEpoch = h.currentEpoch();
            senderConfigEpoch = h.configEpoch();
            if (Long.compareUnsigned(senderCurrentEpoch, currentEpoch) > 0) currentEpoch = senderCurrentEpoch;
            if (Long.compareUnsigned(senderConfigEpoch, sender.configEpoch) > 0) {
                sender.configEpoch = senderConfigEpoch;
                todo(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
            }
            sender.replOffset = h.offset();
            sender.replOffsetTime = now;
            failover.onHeader(sender, h);
        }

        if (mt == MessageType.PING || mt == MessageType.MEET) {
            // Only peers send PING/MEET, and they reach us at our real address: learn it from the socket.
            if ((mt == MessageType.MEET || myself.ip.isEmpty()) && announceIp() == null) {
                String ip = link.channel == null ? null : Ips.of(link.channel.localAddress());
                if (ip != null && !ip.equals(myself.ip)) {
                    myself.ip = ip;
                    log.warning("IP address for this node updated to " + ip);
                    todo(TODO_SAVE_CONFIG);
                }
            }
            if (sender == null && mt == MessageType.MEET) {
                ClusterNode n = new ClusterNode(NodeId.random(), HANDSHAKE, now);
                String ip = peerIp(link, h.myip());
                n.ip = ip == null ? "" : ip;
                n.port = h.port();
                n.pport = h.pport();
                n.cport = h.cport();
                addNode(n);
                todo(TODO_SAVE_CONFIG);
                // A MEET is trusted by its nature: read its gossip even though we do not know the sender.
                processGossip(link, h, (MsgBody.Ping) msg.body());
            }
            sendPing(link, MessageType.PONG);
        }

        if (mt != null && mt.isPingLike()) {
            MsgBody.Ping body = (MsgBody.Ping) msg.body();
            if (!link.inbound) {
                if (link.node.inHandshake()) {
                    if (sender != null) {
                        // We met a node we already know under its real name: fix its address, drop the duplicate.
                        log.verbose("Handshake: we already know node " + sender.name + ", updating the address if needed.");
                        if (updateAddressIfNeeded(sender, link, h)) todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
                        delNode(link.node);
                        return;
                    }
                    if (!NodeId.isValid(h.sender())) return; // cannot take a name that is not an id
                    renameNode(link.node, h.sender());
                    log.debug("Handshake with node " + link.node.name + " completed.");
                    link.node.flags &= ~HANDSHAKE;
                    link.node.flags |= h.flags() & (MASTER | SLAVE);
                    todo(TODO_SAVE_CONFIG);
                } else if (!link.node.name.equals(h.sender())) {
                    // Someone else answers at this address now: forget the address, keep the node.
                    log.debug("PONG contains mismatching sender ID. About node " + link.node.name + " added "
                            + (now - link.node.ctime) + " ms ago, having flags " + link.node.flags);
                    link.node.flags |= NOADDR;
                    link.node.ip = "";
                    link.node.port = 0;
                    link.node.pport = 0;
                    link.node.cport = 0;
                    freeLink(link);
                    todo(TODO_SAVE_CONFIG);
                    return;
                }
            }

            if (sender != null) {
                sender.flags = (sender.flags & ~NOFAILOVER) | (h.flags() & NOFAILOVER);
            }

            if (sender != null && mt == MessageType.PING && !sender.inHandshake()
                    && updateAddressIfNeeded(sender, link, h)) {
                todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
            }

            if (!link.inbound && mt == MessageType.PONG) {
                link.node.pongReceived = now;
                link.node.pingSent = 0;
                if (link.node.timedOut()) {
                    link.node.flags &= ~PFAIL;
                    todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
                } else if (link.node.failed()) {
                    clearFailureIfNeeded(link.node);
                }
            }

            if (sender != null) {
                if (h.slaveof() == null) {
                    setNodeAsMaster(sender);
                } else {
                    ClusterNode m = lookup(h.slaveof());
                    if (sender.isMaster()) {
                        delNodeSlots(sender);
                        sender.flags &= ~(MASTER | MIGRATE_TO);
                        sender.flags |= SLAVE;
                        todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
                    }
                    if (m != null && sender.master != m) {
                        if (sender.master != null) sender.master.removeReplica(sender);
                        m.addReplica(sender);
                        sender.master = m;
                        todo(TODO_SAVE_CONFIG);
                    }
                }
            }

            // Slots: only worth a look when the sender's claim differs from what we have for it.
            SlotBitmap claimed = null;
            boolean dirtySlots = false;
            if (sender != null) {
                ClusterNode senderMaster = sender.isMaster() ? sender : sender.master;
                if (senderMaster != null) {
                    claimed = h.myslots();
                    dirtySlots = !senderMaster.slots.equals(claimed);
                }
            }
            if (sender != null && sender.isMaster() && dirtySlots) {
                updateSlotsConfigWith(sender, senderConfigEpoch, claimed);
            }
            if (sender != null && dirtySlots) {
                // The sender claims slots that a master with a newer epoch owns: tell it.
                for (int j = 0; j < SLOTS; j++) {
                    if (!claimed.get(j)) continue;
                    if (slots[j] == sender || slotUnclaimed(j)) continue;
                    if (Long.compareUnsigned(slots[j].configEpoch, senderConfigEpoch) > 0) {
                        log.verbose("Node " + sender.name + " has old slots configuration, sending an UPDATE message about "
                                + slots[j].name);
                        sendUpdate(sender.link, slots[j]);
                        break;
                    }
                }
            }
            if (sender != null && myself.isMaster() && sender.isMaster() && senderConfigEpoch == myself.configEpoch) {
                handleConfigEpochCollision(sender);
            }
            if (sender != null) {
                processGossip(link, h, body);
                ClusterNode about = link.node != null ? link.node : lookup(h.sender());
                if (about != null) {
                    Optional<String> host = body.hostname();
                    about.hostname = host.orElse("");
                }
                for (PingExt e : body.extensions()) {
                    if (e instanceof PingExt.Unknown u) log.warning("Received unknown extension type " + u.type());
                }
            }
        } else if (mt == MessageType.FAIL) {
            String about = ((MsgBody.Fail) msg.body()).nodeName();
            if (sender != null) {
                ClusterNode failing = lookup(about);
                if (failing != null && !failing.has(FAIL | MYSELF)) {
                    log.notice("FAIL message received from " + h.sender() + " about " + about);
                    failing.flags |= FAIL;
                    failing.failTime = now;
                    failing.flags &= ~PFAIL;
                    todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
                }
            } else {
                log.notice("Ignoring FAIL message from unknown node " + h.sender() + " about " + about);
            }
        } else if (mt == MessageType.PUBLISH || mt == MessageType.PUBLISHSHARD) {
            if (sender == null) return;
            if (publishListener != null) {
                MsgBody.Publish p = (MsgBody.Publish) msg.body();
                publishListener.deliver(p.channel(), p.message(), mt == MessageType.PUBLISHSHARD);
            }
        } else if (mt == MessageType.FAILOVER_AUTH_REQUEST) {
            if (sender == null) return;
            sendFailoverAuthIfNeeded(sender, h);
        } else if (mt == MessageType.FAILOVER_AUTH_ACK) {
            if (sender == null) return;
            failover.onAuthAck(sender, senderCurrentEpoch);
        } else if (mt == MessageType.MFSTART) {
            failover.onMfStart(sender, link);
        } else if (mt == MessageType.UPDATE) {
            if (sender == null) return;
            MsgBody.Update u = (MsgBody.Update) msg.body();
            ClusterNode n = lookup(u.nodeName());
            if (n == null) return;
            if (Long.compareUnsigned(n.configEpoch, u.configEpoch()) >= 0) return; // nothing new
            if (n.isReplica()) setNodeAsMaster(n);
            n.configEpoch = u.configEpoch();
            todo(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
            updateSlotsConfigWith(n, u.configEpoch(), u.slots());
        } else if (mt == MessageType.MODULE) {
            // No modules: nothing receives module messages.
            return;
        } else if (mt == null) {
            log.warning("Received unknown packet type: " + type);
        }
    }

    /** The peer's address: what it announces, else the far end of the link. */
    private static String peerIp(ClusterLink link, String announced) {
        if (announced != null && !announced.isEmpty()) return announced;
        return link.channel == null ? null : Ips.of(link.channel.remoteAddress());
    }

    /**
     * A PING from a node on another link than our outbound one tells its current address: if it
     * moved, adopt it and drop our outbound link so the cron reconnects there.
     */
    private boolean updateAddressIfNeeded(ClusterNode node, ClusterLink link, ClusterMsgHeader h) {
        if (link == node.link) return false;
        String ip = peerIp(link, h.myip());
        if (ip == null) return false;
        int port = h.port();
        int pport = h.pport();
        int cport = h.cport();
        if (node.port == port && node.cport == cport && node.pport == pport && ip.equals(node.ip)) return false;
        node.ip = ip;
        node.port = port;
        node.pport = pport;
        node.cport = cport;
        if (node.link != null) freeLink(node.link);
        node.flags &= ~NOADDR;
        node.connectFailures = 0;
        node.nextConnectTime = 0;
        log.warning("Address updated for node " + node.name + ", now " + node.ip + ":" + node.port);
        if (myself.isReplica() && myself.master == node) startReplication(node);
        return true;
    }

    /** What a PING/PONG/MEET says about third nodes: failure reports, fresher pong times, new nodes. */
    private void processGossip(ClusterLink link, ClusterMsgHeader h, MsgBody.Ping body) {
        ClusterNode sender = link.node != null ? link.node : lookup(h.sender());
        long now = now();
        for (GossipEntry g : body.gossip()) {
            int flags = g.flags();
            ClusterNode node = lookup(g.nodeName());
            if (node != null) {
                if (sender != null && sender.isMaster() && node != myself) {
                    if ((flags & (FAIL | PFAIL)) != 0) {
                        if (addFailureReport(node, sender)) {
                            log.verbose("Node " + sender.name + " reported node " + node.name + " as not reachable.");
                        }
                        markFailingIfNeeded(node);
                    } else if (delFailureReport(node, sender)) {
                        log.verbose("Node " + sender.name + " reported node " + node.name + " is back online.");
                    }
                }
                // Take a fresher pong time seen by others, when we have no doubt about the node ourselves.
                if ((flags & (FAIL | PFAIL)) == 0 && node.pingSent == 0 && failureReportsCount(node) == 0) {
                    long pongTime = g.pongReceived() * 1000;
                    if (pongTime <= now + 500 && pongTime > node.pongReceived) node.pongReceived = pongTime;
                }
                // We cannot reach it but the sender can, at another address: try that one.
                if (node.has(FAIL | PFAIL) && (flags & NOADDR) == 0 && (flags & (FAIL | PFAIL)) == 0
                        && (!node.ip.equalsIgnoreCase(g.ip()) || node.port != g.port() || node.cport != g.cport())) {
                    if (node.link != null) freeLink(node.link);
                    node.ip = g.ip();
                    node.port = g.port();
                    node.pport = g.pport();
                    node.cport = g.cport();
                    node.flags &= ~NOADDR;
                    node.connectFailures = 0;
                    node.nextConnectTime = 0;
                }
            } else {
                // Only a node we already trust may introduce new ones (else we could join another cluster).
                if (sender != null && (flags & NOADDR) == 0 && NodeId.isValid(g.nodeName()) && !blacklisted(g.nodeName())) {
                    ClusterNode n = new ClusterNode(g.nodeName(), flags & ~MYSELF, now);
                    n.ip = g.ip();
                    n.port = g.port();
                    n.pport = g.pport();
                    n.cport = g.cport();
                    addNode(n);
                }
            }
        }
    }

    /**
     * A master claims slots (PING/PONG header or UPDATE): rebind each slot whose current owner has
     * an older config epoch (or none), unless we are importing it; if that took away all our own
     * slots, follow the new owner as its replica.
     */
    void updateSlotsConfigWith(ClusterNode sender, long senderConfigEpoch, SlotBitmap claimed) {
        ClusterNode curMaster = myself.isMaster() ? myself : myself.master;
        if (sender == myself) {
            log.warning("Discarding UPDATE message about myself.");
            return;
        }
        List<Integer> dirty = new ArrayList<>();
        ClusterNode newMaster = null;
        int senderSlots = 0;
        int migratedOurSlots = 0;
        for (int j = 0; j < SLOTS; j++) {
            if (claimed.get(j)) {
                senderSlots++;
                if (slots[j] == sender) {
                    ownerNotClaiming.clear(j);
                    continue;
                }
                if (importingFrom[j] != null) continue;
                if (slotUnclaimed(j) || Long.compareUnsigned(slots[j].configEpoch, senderConfigEpoch) < 0) {
                    if (slots[j] == myself && countKeysInSlot(j) > 0) dirty.add(j);
                    if (slots[j] == curMaster && curMaster != null) {
                        newMaster = sender;
                        migratedOurSlots++;
                    }
                    // Saved, not fsynced (Redis fsyncs here): the claim is the sender's to keep,
                    // and should our save be lost with the machine (a killed process loses
                    // nothing), the sender's next ping with its higher epoch hands the slot over
                    // again. During a reshard every node would otherwise flush the disk once per
                    // slot moved, on the tool's critical path. Role changes below still fsync.
                    delSlot(j);
                    addSlot(sender, j);
                    ownerNotClaiming.clear(j);
                    todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE);
                }
            } else if (slots[j] == sender) {
                // Keep it bound (no errors for clients) but stop vouching for it.
                ownerNotClaiming.set(j);
            }
        }
        if (newMaster != null && curMaster.numSlots == 0
                && (config.getBool("cluster-allow-replica-migration") || senderSlots == migratedOurSlots)) {
            log.warning("Configuration change detected. Reconfiguring myself as a replica of " + sender.name);
            setMaster(sender);
            todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG);
        } else if (myself.master != null && myself.master.master != null && myself.master.master != myself) {
            log.warning("I'm a sub-replica! Reconfiguring myself as a replica of grandmaster " + myself.master.master.name);
            setMaster(myself.master.master);
            todo(TODO_SAVE_CONFIG | TODO_UPDATE_STATE | TODO_FSYNC_CONFIG);
        } else if (!dirty.isEmpty()) {
            // We lost slots we still hold keys for: the keys belong to the new owner now.
            for (int s : dirty) server.keyspace().db(0).flushSlot(s);
        }
    }

    // ================================================================== cron

    /** Runs every 100 ms on the event loop (clusterCron). */
    void cron() {
        if (closed) return;
        try {
            cronTick();
        } catch (RuntimeException e) {
            log.warning("clusterCron: " + e);
        }
    }

    private void cronTick() {
        iteration++;
        long now = now();
        refreshMyselfFromConfig(clientPort());
        long timeout = nodeTimeout();
        long handshakeTimeout = Math.max(timeout, 1000);
        long sendbufLimit = config.getLong("cluster-link-sendbuf-limit");
        boolean updateState = false;

        statPfailNodes = 0;
        for (ClusterNode node : new ArrayList<>(nodes.values())) {
            if (!nodes.containsKey(node.name) || nodes.get(node.name) != node) continue; // deleted meanwhile
            if (sendbufLimit > 0) {
                freeLinkOverLimit(node.link, sendbufLimit);
                freeLinkOverLimit(node.inboundLink, sendbufLimit);
            }
            if (node.has(MYSELF | NOADDR)) continue;
            if (node.timedOut()) statPfailNodes++;
            if (node.inHandshake() && now - node.ctime > handshakeTimeout) {
                delNode(node);
                continue;
            }
            if (node.link == null && now >= node.nextConnectTime) connect(node, now);
        }

        // About once a second, PING the node with the oldest PONG among a few random ones.
        if (iteration % 10 == 0) {
            List<ClusterNode> all = new ArrayList<>(nodes.values());
            ClusterNode minPongNode = null;
            long minPong = 0;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int j = 0; j < 5 && !all.isEmpty(); j++) {
                ClusterNode n = all.get(rnd.nextInt(all.size()));
                if (n.link == null || n.pingSent != 0) continue;
                if (n.has(MYSELF | HANDSHAKE)) continue;
                if (minPongNode == null || minPong > n.pongReceived) {
                    minPongNode = n;
                    minPong = n.pongReceived;
                }
            }
            if (minPongNode != null) {
                log.debug("Pinging node " + minPongNode.name);
                sendPing(minPongNode.link, MessageType.PING);
            }
        }

        for (ClusterNode node : new ArrayList<>(nodes.values())) {
            if (nodes.get(node.name) != node) continue;
            now = now();
            if (node.has(MYSELF | NOADDR | HANDSHAKE)) continue;
            long pingDelay = now - node.pingSent;
            long dataDelay = now - node.dataReceived;
            // Connected but silent for half the timeout while a ping waits: the link may be stuck.
            if (node.link != null && now - node.link.ctime > timeout && node.pingSent != 0
                    && pingDelay > timeout / 2 && dataDelay > timeout / 2) {
                freeLink(node.link);
            }
            if (node.link != null && node.pingSent == 0 && now - node.pongReceived > timeout / 2) {
                sendPing(node.link, MessageType.PING);
                continue;
            }
            if (node.pingSent == 0) continue;
            long nodeDelay = Math.min(pingDelay, dataDelay);
            if (nodeDelay > timeout && !node.has(PFAIL | FAIL)) {
                log.debug("*** NODE " + node.name + " possibly failing");
                node.flags |= PFAIL;
                updateState = true;
            }
        }

        failover.cron();

        if (updateState || state == STATE_FAIL) updateState();
    }

    private void connect(ClusterNode node, long now) {
        ClusterLink link = new ClusterLink(node, false, now, MAX_FRAME);
        node.link = link;
        links.add(link);
        if (Ips.parse(node.ip) == null) {
            log.debug("Unable to connect to Cluster Node [" + node.ip + "]:" + node.cport + " -> invalid address");
            noteConnectFailure(node);
            freeLink(link);
            return;
        }
        try {
            bus.connect(link, node.ip, node.cport, (int) Math.min(Integer.MAX_VALUE, nodeTimeout()),
                    config.get("bind-source-addr"));
        } catch (RuntimeException e) {
            log.debug("Unable to connect to Cluster Node [" + node.ip + "]:" + node.cport + " -> " + e.getMessage());
            noteConnectFailure(node);
            freeLink(link);
        }
    }

    private void freeLinkOverLimit(ClusterLink link, long limit) {
        if (link == null) return;
        long used = link.sendBufferUsed();
        if (used > limit) {
            log.warning("Freeing cluster link(" + (link.inbound ? "from" : "to") + " node "
                    + (link.node != null ? link.node.name : "") + ", used memory: " + used
                    + ") due to exceeding send buffer memory limit.");
            freeLink(link);
            statLinksBufferLimitExceeded++;
        }
    }

    // ================================================================== cluster state

    /**
     * ok unless: a slot is unassigned or its owner FAILed (with cluster-require-full-coverage),
     * or we cannot reach a majority of the masters that serve slots. A master waits 2 s after
     * start before it first says ok, and after being in a minority it waits the rejoin delay.
     */
    void updateState() {
        todo &= ~TODO_UPDATE_STATE;
        long now = now();
        if (firstUpdateStateCall == 0) firstUpdateStateCall = now;
        if (myself.isMaster() && state == STATE_FAIL && now - firstUpdateStateCall < WRITABLE_DELAY
                && !heardFromAllSince(firstUpdateStateCall)) {
            return;
        }

        int newState = STATE_OK;
        if (config.getBool("cluster-require-full-coverage")) {
            for (int j = 0; j < SLOTS; j++) {
                if (slots[j] == null || slots[j].failed()) {
                    newState = STATE_FAIL;
                    break;
                }
            }
        }
        int reachable = 0;
        size = 0;
        for (ClusterNode n : nodes.values()) {
            if (n.isMaster() && n.numSlots > 0) {
                size++;
                if (!n.has(FAIL | PFAIL)) reachable++;
            }
        }
        int quorum = size / 2 + 1;
        if (reachable < quorum) {
            newState = STATE_FAIL;
            // A node that knows no master serving slots (a fresh node before --cluster create)
            // is not in a minority of anything: Redis starts its rejoin delay here too, so that
            // a cluster created more than 2 s after its nodes started stays down for up to
            // node-timeout after forming (measured: ~3 s at node-timeout 5000). We don't.
            if (size > 0) amongMinorityTime = now;
        }
        if (newState != state) {
            long rejoinDelay = Math.max(MIN_REJOIN_DELAY, Math.min(MAX_REJOIN_DELAY, nodeTimeout()));
            if (newState == STATE_OK && myself.isMaster() && now - amongMinorityTime < rejoinDelay) return;
            log.warning("Cluster state changed: " + (newState == STATE_OK ? "ok" : "fail"));
            state = newState;
        }
    }

    /**
     * True once every other known node (past handshake) has sent us something since {@code since}.
     * Redis waits a fixed WRITABLE_DELAY after start-up so that a restarted node hears the current
     * slot configuration before serving; once every node has spoken to us that has happened, so
     * we stop waiting early. With a node unreachable, the full delay still applies.
     */
    private boolean heardFromAllSince(long since) {
        for (ClusterNode n : nodes.values()) {
            if (n == myself || n.inHandshake()) continue;
            if (n.dataReceived < since) return false;
        }
        return true;
    }

    /**
     * After loading data: keys in a slot nobody owns make it ours; keys in a slot someone else
     * owns mark it importing, so that redis-cli --cluster fix sees it. Returns false if a
     * database other than 0 holds keys (Redis then refuses to start).
     */
    public boolean verifyConfigWithData() {
        if (myself.isReplica()) return true;
        for (int j = 1; j < server.keyspace().databases(); j++) {
            if (server.keyspace().db(j).size() != 0) return false;
        }
        boolean update = false;
        for (int j = 0; j < SLOTS; j++) {
            if (countKeysInSlot(j) == 0) continue;
            if (slots[j] == myself || importingFrom[j] != null) continue;
            update = true;
            if (slots[j] == null) {
                log.warning("I have keys for unassigned slot " + j + ". Taking responsibility for it.");
                addSlot(myself, j);
            } else {
                log.warning("I have keys for slot " + j + ", but the slot is assigned to another node. Setting it to importing state.");
                setImporting(j, slots[j]);
            }
        }
        if (update) saveConfigOrDie(true);
        return true;
    }

    // ================================================================== before sleep: state and config

    /** Queues work Redis does before sleeping; it runs right after the current event. */
    void todo(int flags) {
        todo |= flags;
        if (!todoScheduled && loop != null && !closed) {
            todoScheduled = true;
            loop.execute(this::beforeSleep);
        }
    }

    /** Before a client's replies are flushed (see Server#beforeReplies): the queued work, if any. */
    private void beforeReplies() {
        if (todo != 0) beforeSleep();
    }

    /**
     * After a CLUSTER command: its queued work runs before the replies are flushed (once for a
     * whole pipeline); without the flush hook (a state that was never started) at once.
     */
    void afterCommand() {
        if (!repliesHooked) beforeSleep();
    }

    /** Runs the queued work now. */
    void beforeSleep() {
        todoScheduled = false;
        int f = todo;
        todo = 0;
        if (closed) return;
        if ((f & TODO_HANDLE_MANUALFAILOVER) != 0) {
            if (myself.isReplica()) {
                failover.handleManual();
                failover.handleReplicaFailover();
            }
        } else if ((f & TODO_HANDLE_FAILOVER) != 0) {
            if (myself.isReplica()) failover.handleReplicaFailover();
        }
        if ((f & TODO_UPDATE_STATE) != 0) updateState();
        if ((f & TODO_SAVE_CONFIG) != 0) saveConfigOrDie((f & TODO_FSYNC_CONFIG) != 0);
    }

    /** nodes.conf as it would be written now. */
    NodesConfFile configSnapshot() {
        List<ClusterNodeInfo> infos = new ArrayList<>(nodes.size());
        for (ClusterNode n : nodes.values()) infos.add(describe(n));
        return new NodesConfFile(infos, currentEpoch, lastVoteEpoch);
    }

    void saveConfig(boolean fsync) throws IOException {
        todo &= ~(TODO_SAVE_CONFIG | TODO_FSYNC_CONFIG);
        // Always atomic (temp file + rename); forced to disk only where Redis forces it (epoch and
        // vote changes): SETSLOT during a reshard would otherwise pay a disk flush per slot.
        configFile.write(configSnapshot(), fsync);
    }

    void saveConfigOrDie(boolean fsync) {
        try {
            saveConfig(fsync);
        } catch (IOException e) {
            log.warning("Fatal: can't update cluster config file.");
            Runtime.getRuntime().halt(1);
        }
    }

    // ================================================================== views

    /**
     * Redis's use_pport: in a TLS cluster (tls-cluster yes) a client connected without TLS is
     * given the plaintext ports of the nodes (CLUSTER NODES/SLOTS/REPLICAS, MOVED, ASK).
     */
    boolean usePport(io.vermilion.server.Client c) {
        return config.getBool("tls-cluster") && c != null && c.channel() != null
                && !io.vermilion.net.tls.Tls.isTls(c.channel());
    }

    /** The port a client is told for node n (see {@link #usePport}). */
    int clientPortFor(io.vermilion.server.Client c, ClusterNode n) {
        return usePport(c) && n.pport != 0 ? n.pport : n.port;
    }

    /** The CLUSTER NODES / nodes.conf view of one node. */
    ClusterNodeInfo describe(ClusterNode n) {
        return describe(n, false);
    }

    /**
     * As {@link #describe(ClusterNode)}; {@code usePport} shows the plaintext client port where
     * the node announced one (Redis gives it to plaintext clients of a TLS cluster).
     */
    ClusterNodeInfo describe(ClusterNode n, boolean usePport) {
        ClusterNodeInfo.Builder b = ClusterNodeInfo.builder(n.name)
                .address(n.ip, usePport && n.pport != 0 ? n.pport : n.port, n.cport)
                .hostname(n.hostname)
                .flags(n.flags)
                .masterId(n.master != null ? n.master.name : null)
                .pingSent(n.pingSent)
                .pongRecv(n.pongReceived)
                .configEpoch(n.isReplica() && n.master != null ? n.master.configEpoch : n.configEpoch)
                .linkState(n.link != null || n.isMyself() ? LinkState.CONNECTED : LinkState.DISCONNECTED)
                .slots(n.slots.ranges());
        if (n.isMyself() && maybeOpenSlots) {
            boolean open = false;
            for (int j = 0; j < SLOTS; j++) {
                if (migratingTo[j] != null) {
                    b.migrating(j, migratingTo[j].name);
                    open = true;
                } else if (importingFrom[j] != null) {
                    b.importing(j, importingFrom[j].name);
                    open = true;
                }
            }
            maybeOpenSlots = open;
        }
        return b.build();
    }

    String nodesDescription() {
        return nodesDescription(false);
    }

    String nodesDescription(boolean usePport) {
        io.vermilion.util.Latin1Builder out = new io.vermilion.util.Latin1Builder(160 * nodes.size());
        for (ClusterNode n : nodes.values()) {
            io.vermilion.cluster.ClusterNodesFormat.appendTo(out, describe(n, usePport));
            out.ch('\n');
        }
        return out.toString();
    }

    /** Iterates slot runs: [start, end, owner] for each maximal run of one owner (unassigned skipped). */
    List<Object[]> slotRuns() {
        List<Object[]> out = new ArrayList<>();
        ClusterNode n = null;
        int start = -1;
        for (int i = 0; i <= SLOTS; i++) {
            ClusterNode cur = i < SLOTS ? slots[i] : null;
            if (n == null) {
                if (i == SLOTS) break;
                n = cur;
                start = i;
                continue;
            }
            if (i == SLOTS || cur != n) {
                out.add(new Object[] {start, i - 1, n});
                if (i == SLOTS) break;
                n = cur;
                start = i;
            }
        }
        return out;
    }

    Iterator<ClusterNode> nodeIterator() {
        return nodes.values().iterator();
    }
}
