package io.vermilion.cluster.runtime;

import static io.vermilion.cluster.NodeFlags.HANDSHAKE;
import static io.vermilion.cluster.NodeFlags.MIGRATE_TO;
import static io.vermilion.cluster.NodeFlags.MYSELF;
import static io.vermilion.cluster.NodeFlags.NOADDR;

import io.vermilion.cluster.bus.ClusterMsg;
import io.vermilion.cluster.bus.ClusterMsgCodec;
import io.vermilion.cluster.bus.ClusterMsgHeader;
import io.vermilion.cluster.bus.ClusterMsgLayout;
import io.vermilion.cluster.bus.MessageType;
import io.vermilion.util.Log;
import java.util.ArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replica failover of one node, Redis 7.0's rules (cluster.c: clusterHandleSlaveFailover,
 * clusterGetSlaveRank, clusterFailoverReplaceYourMaster, the manual failover state machine
 * with MFSTART and the PAUSED offset, clusterHandleSlaveMigration, CLUSTER REPLICATE and
 * CLUSTER FAILOVER). The voting side (masters granting FAILOVER_AUTH_ACK) lives in
 * {@link ClusterState}, next to the packet handling. docs/failover.md tells the story.
 *
 * <p>It shares the node's event loop and touches the {@link ClusterState} fields directly.
 */
final class ClusterFailover {
    /** Milliseconds a manual failover may take (CLUSTER_MF_TIMEOUT). */
    static final long MF_TIMEOUT = 5000;
    /** The master pauses writes for this many times MF_TIMEOUT (CLUSTER_MF_PAUSE_MULT). */
    static final int MF_PAUSE_MULT = 2;
    /** An orphaned master must stay orphaned this long before a replica migrates to it. */
    static final long MIGRATION_DELAY = 5000;
    static final long CANT_FAILOVER_RELOG_PERIOD_SEC = 300;

    enum Cant { NONE, DATA_AGE, WAITING_DELAY, EXPIRED, WAITING_VOTES }

    private final ClusterState s;
    private final Log log;

    // ---- election (replica side)
    /** When the election starts (or started); 0: never. */
    long authTime;
    int authCount;
    boolean authSent;
    int authRank;
    long authEpoch;
    Cant cantReason = Cant.NONE;
    private long lastCantLogSec;

    // ---- manual failover (both sides)
    /** When the manual failover in progress gives up; 0 when none is in progress. */
    long mfEnd;
    boolean mfCanStart;
    /** Master side: the replica that asked for the manual failover. */
    ClusterNode mfReplica;
    /** Replica side: the offset the paused master announced, -1 until it did. */
    long mfMasterOffset = -1;

    ClusterFailover(ClusterState s, Log log) {
        this.s = s;
        this.log = log;
    }

    private ReplicationHook repl() {
        return s.replication();
    }

    // ================================================================== commands

    /** CLUSTER REPLICATE: an error text, or null after making this node a replica of n. */
    String replicate(ClusterNode n) {
        if (n == s.myself) return "ERR Can't replicate myself";
        if (n.isReplica()) return "ERR I can only replicate a master, not a replica.";
        if (s.myself.isMaster() && (s.myself.numSlots != 0 || s.server().keyspace().db(0).size() != 0)) {
            return "ERR To set a master the node must be empty and without assigned slots.";
        }
        s.setMaster(n);
        s.todo(ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_SAVE_CONFIG);
        return null;
    }

    /** CLUSTER FAILOVER [FORCE|TAKEOVER]: an error text, or null once started. */
    String manual(boolean force, boolean takeover) {
        ClusterNode me = s.myself;
        if (me.isMaster()) return "ERR You should send CLUSTER FAILOVER to a replica";
        if (me.master == null) return "ERR I'm a replica but my master is unknown to me";
        if (!force && (me.master.failed() || me.master.link == null)) {
            return "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE";
        }
        reset();
        // Better than Redis 7.0 (as Valkey 8 does): a user's request starts a fresh election even
        // when this node ran one a moment ago. Otherwise an election of the last four node
        // timeouts makes the request wait out its retry time (the manual failover expires after
        // 5 s while the master is paused), or, still counting that election's votes, "win" at once
        // with a stale epoch.
        resetElection();
        mfEnd = ClusterState.now() + MF_TIMEOUT;
        if (takeover) {
            // No agreement at all: a new epoch of our own, the slots, and the news.
            log.warning("Taking over the master (user request).");
            s.bumpEpochWithoutConsensus();
            replaceMaster();
        } else if (force) {
            log.warning("Forced failover user request accepted.");
            mfCanStart = true;
        } else {
            log.warning("Manual failover user request accepted.");
            sendMfStart(me.master);
        }
        return null;
    }

    /** Forgets the last election, so that the next one starts afresh (with its rank delay, or at once when manual). */
    private void resetElection() {
        authTime = 0;
        authCount = 0;
        authSent = false;
        authRank = 0;
    }

    // ================================================================== manual failover state

    /** Forgets any manual failover in progress; a master that paused its clients for it unpauses. */
    void reset() {
        if (mfReplica != null) s.server().unpause();
        mfEnd = 0;
        mfCanStart = false;
        mfReplica = null;
        mfMasterOffset = -1;
    }

    boolean masterPausedForManualFailover() {
        return s.myself.isMaster() && mfEnd != 0;
    }

    void checkManualTimeout() {
        if (mfEnd != 0 && mfEnd < ClusterState.now()) {
            log.warning("Manual failover timed out.");
            reset();
        }
    }

    /** Replica side: once our offset reaches the one the paused master announced, the election may start. */
    void handleManual() {
        if (mfEnd == 0 || mfCanStart || mfMasterOffset == -1) return;
        if (mfMasterOffset == repl().offset()) {
            mfCanStart = true;
            log.warning("All master replication stream processed, manual failover can start.");
            s.todo(ClusterState.TODO_HANDLE_FAILOVER);
        }
        // Not there yet: Redis checks again before every sleep; the 100 ms cron is our next look.
    }

    private void sendMfStart(ClusterNode master) {
        if (master.link == null) return;
        ClusterMsg msg = ClusterMsg.headerOnly(MessageType.MFSTART, s.header(MessageType.MFSTART).build());
        s.send(master.link, ClusterMsgCodec.encode(msg), MessageType.MFSTART.code());
    }

    /** MFSTART from one of our replicas: pause writes, then keep pinging it with our offset and PAUSED. */
    void onMfStart(ClusterNode sender, ClusterLink link) {
        if (sender == null || sender.master != s.myself) return;
        reset();
        long now = ClusterState.now();
        mfEnd = now + MF_TIMEOUT;
        mfReplica = sender;
        s.server().pause(now + MF_TIMEOUT * MF_PAUSE_MULT, false);
        log.warning("Manual failover requested by replica " + sender.name + ".");
        s.sendPing(link, MessageType.PING);
    }

    /** Any packet's header: a paused master telling its replica where it stopped. */
    void onHeader(ClusterNode sender, ClusterMsgHeader h) {
        if (mfEnd != 0 && s.myself.isReplica() && s.myself.master == sender
                && h.hasMflag0(ClusterMsgLayout.FLAG0_PAUSED) && mfMasterOffset == -1) {
            mfMasterOffset = sender.replOffset;
            s.todo(ClusterState.TODO_HANDLE_MANUALFAILOVER);
            log.warning("Received replication offset for paused master manual failover: " + mfMasterOffset);
        }
    }

    /** A vote: counted when it comes from a master serving slots, for our election's epoch or later. */
    void onAuthAck(ClusterNode sender, long senderCurrentEpoch) {
        if (sender.isMaster() && sender.numSlots > 0 && Long.compareUnsigned(senderCurrentEpoch, authEpoch) >= 0) {
            authCount++;
            s.todo(ClusterState.TODO_HANDLE_FAILOVER);
        }
    }

    // ================================================================== election

    /** How many replicas of our master (able to fail over) have a larger offset than ours. */
    int rank() {
        ClusterNode master = s.myself.master;
        if (master == null) return 0;
        long mine = repl().offset();
        int rank = 0;
        for (ClusterNode r : master.replicas) {
            if (r != s.myself && !cantFailover(r) && r.replOffset > mine) rank++;
        }
        return rank;
    }

    private static boolean cantFailover(ClusterNode n) {
        return n.has(io.vermilion.cluster.NodeFlags.NOFAILOVER);
    }

    private void logCant(Cant reason) {
        long nowSec = ClusterState.now() / 1000;
        if (reason == cantReason && nowSec - lastCantLogSec < CANT_FAILOVER_RELOG_PERIOD_SEC) return;
        cantReason = reason;
        // Nothing to say while the master failed only recently: this log is about stalled replicas.
        ClusterNode m = s.myself.master;
        if (m != null && m.failed() && ClusterState.now() - m.failTime < s.nodeTimeout() + 5000) return;
        String msg = switch (reason) {
            case DATA_AGE -> "Disconnected from master for longer than allowed. "
                    + "Please check the 'cluster-replica-validity-factor' configuration option.";
            case WAITING_DELAY -> "Waiting the delay before I can start a new failover.";
            case EXPIRED -> "Failover attempt expired.";
            case WAITING_VOTES -> "Waiting for votes, but majority still not reached.";
            default -> "Unknown reason code.";
        };
        lastCantLogSec = nowSec;
        log.warning("Currently unable to failover: " + msg);
    }

    /** The end of every failover: become a master, take the old master's slots, tell everybody. */
    void replaceMaster() {
        ClusterNode me = s.myself;
        ClusterNode old = me.master;
        if (me.isMaster() || old == null) return;
        s.setNodeAsMaster(me);
        repl().becomeMaster();
        for (int j = 0; j < ClusterState.SLOTS; j++) {
            if (old.slots.get(j)) {
                s.delSlot(j);
                s.addSlot(me, j);
                s.ownerNotClaiming.clear(j);
            }
        }
        s.updateState();
        s.saveConfigOrDie(true);
        s.broadcastPong();
        reset();
        // Won: should this node's own master fail soon, its next election must not wait for this
        // one's retry time (Redis keeps the old auth time; Valkey resets it too).
        resetElection();
    }

    /** clusterHandleSlaveFailover: run from the cron and whenever a vote or a manual step arrives. */
    void handleReplicaFailover() {
        ClusterNode me = s.myself;
        long now = ClusterState.now();
        long authAge = now - authTime;
        int quorum = s.size / 2 + 1;
        boolean manual = mfEnd != 0 && mfCanStart;
        long timeout = Math.max(s.nodeTimeout() * 2, 2000);
        long retry = timeout * 2;

        if (me.isMaster() || me.master == null || (!me.master.failed() && !manual)
                || (s.config().getBool("cluster-replica-no-failover") && !manual) || me.master.numSlots == 0) {
            cantReason = Cant.NONE;
            return;
        }

        long dataAge = repl().dataAgeMs();
        if (dataAge > s.nodeTimeout()) dataAge -= s.nodeTimeout();
        long factor = s.config().getLong("cluster-replica-validity-factor");
        if (factor != 0 && dataAge > s.config().getLong("repl-ping-replica-period") * 1000 + s.nodeTimeout() * factor) {
            if (!manual) {
                logCant(Cant.DATA_AGE);
                return;
            }
        }

        if (authAge > retry) {
            authTime = now + 500 + ThreadLocalRandom.current().nextInt(500);
            authCount = 0;
            authSent = false;
            authRank = rank();
            authTime += authRank * 1000L;
            if (mfEnd != 0) {
                authTime = now;
                authRank = 0;
                s.todo(ClusterState.TODO_HANDLE_FAILOVER);
            }
            log.warning("Start of election delayed for " + (authTime - now) + " milliseconds (rank #" + authRank
                    + ", offset " + repl().offset() + ").");
            broadcastPongToLocalReplicas();
            return;
        }

        if (!authSent && mfEnd == 0) {
            int newRank = rank();
            if (newRank > authRank) {
                long added = (newRank - authRank) * 1000L;
                authTime += added;
                authRank = newRank;
                log.warning("Replica rank updated to #" + newRank + ", added " + added + " milliseconds of delay.");
            }
        }

        if (now < authTime) {
            logCant(Cant.WAITING_DELAY);
            return;
        }
        if (authAge > timeout) {
            logCant(Cant.EXPIRED);
            return;
        }

        if (!authSent) {
            s.currentEpoch++;
            authEpoch = s.currentEpoch;
            log.warning("Starting a failover election for epoch " + Long.toUnsignedString(s.currentEpoch) + ".");
            requestAuth();
            authSent = true;
            s.todo(ClusterState.TODO_SAVE_CONFIG | ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_FSYNC_CONFIG);
            return;
        }

        if (authCount >= quorum) {
            log.warning("Failover election won: I'm the new master.");
            if (Long.compareUnsigned(me.configEpoch, authEpoch) < 0) {
                me.configEpoch = authEpoch;
                log.warning("configEpoch set to " + Long.toUnsignedString(me.configEpoch) + " after successful failover");
            }
            replaceMaster();
        } else {
            logCant(Cant.WAITING_VOTES);
        }
    }

    private void requestAuth() {
        ClusterMsgHeader.Builder b = s.header(MessageType.FAILOVER_AUTH_REQUEST);
        if (mfEnd != 0) b.mflags0(ClusterMsgLayout.FLAG0_FORCEACK);
        ClusterMsg msg = ClusterMsg.headerOnly(MessageType.FAILOVER_AUTH_REQUEST, b.build());
        s.broadcast(ClusterMsgCodec.encode(msg), MessageType.FAILOVER_AUTH_REQUEST.code());
    }

    /** Our offset to the other replicas of our master, so that they rank themselves against it. */
    private void broadcastPongToLocalReplicas() {
        ClusterNode me = s.myself;
        for (ClusterNode n : new ArrayList<>(s.nodes.values())) {
            if (n.link == null || n == me || n.inHandshake()) continue;
            boolean local = n.isReplica() && n.master != null && (n.master == me || n.master == me.master);
            if (local) s.sendPing(n.link, MessageType.PONG);
        }
    }

    // ================================================================== cron

    /**
     * The failover part of clusterCron: a master keeps pinging the replica of a manual failover;
     * a replica (re)starts replication, advances manual and automatic failover, and considers
     * migrating to an orphaned master.
     */
    void cron() {
        ClusterNode me = s.myself;
        if (mfEnd != 0 && me.isMaster() && mfReplica != null && mfReplica.link != null) {
            s.sendPing(mfReplica.link, MessageType.PING);
        }
        int orphaned = 0;
        int maxReplicas = 0;
        int mine = 0;
        if (me.isReplica()) {
            for (ClusterNode n : s.nodes.values()) {
                if (n.has(MYSELF | NOADDR | HANDSHAKE)) continue;
                if (n.isMaster() && !n.failed()) {
                    int ok = n.nonFailingReplicas();
                    if (ok == 0 && n.numSlots > 0 && n.has(MIGRATE_TO)) orphaned++;
                    if (ok > maxReplicas) maxReplicas = ok;
                    if (me.master == n) mine = ok;
                }
            }
        }
        if (me.isReplica() && !repl().hasMaster() && me.master != null && me.master.hasAddr()) {
            s.startReplication(me.master);
        }
        checkManualTimeout();
        if (me.isReplica()) {
            handleManual();
            handleReplicaFailover();
            if (orphaned > 0 && maxReplicas >= 2 && mine == maxReplicas
                    && s.config().getBool("cluster-allow-replica-migration")) {
                handleReplicaMigration(maxReplicas);
            }
        }
    }

    /** clusterHandleSlaveMigration: the replica with the smallest id among the best-served masters moves. */
    void handleReplicaMigration(int maxReplicas) {
        if (s.state != ClusterState.STATE_OK) return;
        ClusterNode me = s.myself;
        ClusterNode mine = me.master;
        if (mine == null) return;
        int ok = 0;
        for (ClusterNode r : mine.replicas) if (!r.failed() && !r.timedOut()) ok++;
        if (ok <= s.config().getLong("cluster-migration-barrier")) return;

        ClusterNode candidate = me;
        ClusterNode target = null;
        long now = ClusterState.now();
        for (ClusterNode n : s.nodes.values()) {
            int okReplicas = 0;
            boolean isOrphaned = true;
            if (n.isReplica() || n.failed()) isOrphaned = false;
            if (!n.has(MIGRATE_TO)) isOrphaned = false;
            if (n.isMaster()) okReplicas = n.nonFailingReplicas();
            if (okReplicas > 0) isOrphaned = false;
            if (isOrphaned) {
                if (target == null && n.numSlots > 0) target = n;
                if (n.orphanedTime == 0) n.orphanedTime = now;
            } else {
                n.orphanedTime = 0;
            }
            if (okReplicas == maxReplicas) {
                for (ClusterNode r : n.replicas) {
                    if (r.name.compareTo(candidate.name) < 0) candidate = r;
                }
            }
        }
        if (target != null && candidate == me && now - target.orphanedTime > MIGRATION_DELAY) {
            log.warning("Migrating to orphaned master " + target.name);
            s.setMaster(target);
            s.todo(ClusterState.TODO_SAVE_CONFIG | ClusterState.TODO_UPDATE_STATE);
        }
    }
}
