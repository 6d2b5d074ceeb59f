package io.vermilion.server.eviction;

import io.vermilion.config.Config;
import io.vermilion.keyspace.Eviction;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import io.vermilion.server.Transaction;
import java.util.concurrent.TimeUnit;

/**
 * maxmemory: how much memory the node counts as used, and eviction before each command as
 * Redis 7.0's performEvictions (evict.c) with the -OOM refusal of processCommand.
 *
 * <p>Used memory is an estimate kept incrementally, not a heap reading (see docs/memory.md): a
 * fixed start-up figure, plus the keyspace's per-entry estimates ({@link Keyspace#datasetBytes}),
 * plus the buffers of client connections (refreshed by {@link #refreshClients} from the cron and
 * INFO; replicas' output buffers are reported as mem_not_counted_for_evict, as in Redis).
 */
public final class MaxMemory {
    /** Redis's shared.oomerr. */
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    private final Server server;
    private final Keyspace keyspace;
    private long maxmemory;
    private Eviction.Policy policy;
    private int samples;
    private int tenacity;
    private boolean lazyEviction;
    private boolean ignoreOnReplica;
    private final long startup;
    private long clientsBytes;      // buffers of normal and pubsub clients (counted)
    private long notCounted;        // buffers of replicas (mem_not_counted_for_evict)
    private long clientsMeasuredNs; // when clientsBytes was computed
    private boolean procScheduled;  // the eviction continues from the loop (Redis's evictionTimeProc)
    private long exceededSinceNs;   // when used memory first exceeded maxmemory, 0 when under
    private long exceededTotalUs;   // total_eviction_exceeded_time

    public MaxMemory(Server server) {
        this.server = server;
        this.keyspace = server.keyspace();
        Config cfg = server.config();
        Runnable apply = () -> {
            maxmemory = cfg.getLong("maxmemory");
            policy = Eviction.Policy.of(cfg.get("maxmemory-policy"));
            samples = cfg.getInt("maxmemory-samples");
            tenacity = cfg.getInt("maxmemory-eviction-tenacity");
            lazyEviction = cfg.getBool("lazyfree-lazy-eviction");
            ignoreOnReplica = cfg.getBool("replica-ignore-maxmemory");
        };
        apply.run();
        for (String d : new String[] {"maxmemory", "maxmemory-policy", "maxmemory-samples",
                "maxmemory-eviction-tenacity", "lazyfree-lazy-eviction", "replica-ignore-maxmemory"}) {
            cfg.addListener(d, v -> apply.run());
        }
        // The server's own structures: one Dict[16384] per database (plus a margin for tables
        // and buffers allocated at start).
        startup = 512 * 1024 + (long) keyspace.databases() * (16 + 4L * 16384);
        // CONFIG SET maxmemory below the current usage evicts at once, as Redis.
        cfg.addListener("maxmemory", v -> {
            long max = Long.parseUnsignedLong(v);
            if (max == 0) return;
            long used = usedForEviction();
            if (max < used) {
                server.log().warning("WARNING: the new maxmemory value set via CONFIG SET (" + Long.toUnsignedString(max)
                        + ") is smaller than the current memory usage (" + used + "). This will result in key eviction"
                        + " and/or the inability to accept new write commands depending on the maxmemory-policy.");
            }
            // Redis's startEvictionTimeProc: evicts from the loop, after this command.
            if (server.loop() != null) server.loop().execute(this::performEvictions);
        });
    }

    public long maxmemory() { return maxmemory; }
    public long startupBytes() { return startup; }

    /** INFO used_memory: start-up figure + dataset estimate + client buffers. */
    public long usedMemory() {
        return startup + keyspace.datasetBytes() + clientsBytes + notCounted;
    }

    /** INFO mem_not_counted_for_evict. */
    public long notCountedForEvict() { return notCounted; }

    /** Client buffers counted in used memory (INFO mem_clients_normal). */
    public long clientsBytes() { return clientsBytes; }

    public long totalExceededUs() {
        return exceededTotalUs + currentExceededUs();
    }

    public long currentExceededUs() {
        return exceededSinceNs == 0 ? 0 : (System.nanoTime() - exceededSinceNs) / 1000;
    }

    /** Recomputes the client-buffer share of used memory (cron, INFO): O(clients). */
    public void refreshClients() {
        long counted = 0, replicas = 0;
        for (Client c : server.clients().values()) {
            long b = c.memoryBytes();
            if (c.limitClass() == Client.LimitClass.REPLICA) replicas += b;
            else counted += b;
        }
        clientsBytes = counted;
        notCounted = replicas;
        clientsMeasuredNs = System.nanoTime();
    }

    /**
     * The check before each command (Redis's processCommand): evicts as needed and returns true
     * when the command must be refused with {@link #OOM} (still over the limit and the command
     * may grow memory: DENYOOM, an EXEC queueing one, or anything queued inside MULTI).
     */
    public boolean refuse(Client c, CommandSpec spec) {
        if (maxmemory == 0 || c.isMaster()) return false; // the master's stream is never refused (Redis)
        boolean outOfMemory = performEvictions() == Result.FAIL;
        if (!outOfMemory) return false;
        Transaction tx = c.txOrNull();
        boolean inMulti = tx != null && tx.active();
        String name = spec.name();
        boolean deny = spec.has(CommandSpec.Flag.DENYOOM);
        if (name.equals("exec") && inMulti) {
            for (Transaction.Queued q : tx.queued()) if (q.spec().has(CommandSpec.Flag.DENYOOM)) { deny = true; break; }
        }
        if (inMulti && !name.equals("exec") && !name.equals("discard") && !name.equals("quit") && !name.equals("reset")) {
            deny = true;
        }
        return deny;
    }

    enum Result { OK, RUNNING, FAIL }

    private long usedForEviction() {
        return startup + keyspace.datasetBytes() + clientsBytes;
    }

    /** Redis's evictionTimeLimitUs. */
    private long timeLimitUs() {
        if (tenacity <= 10) return 50L * tenacity;
        if (tenacity < 100) return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
        return Long.MAX_VALUE;
    }

    /** Redis's performEvictions: frees keys until used memory is under maxmemory or time runs out. */
    Result performEvictions() {
        if (maxmemory == 0) return Result.OK;
        // isSafeToPerformEvictions: not while loading, paused, or on a replica ignoring maxmemory.
        if (server.loading() || server.paused() || (server.isReplica() && ignoreOnReplica)) return Result.OK;
        long used = usedForEviction();
        if (used > maxmemory && System.nanoTime() - clientsMeasuredNs > 1_000_000) {
            // About to evict: the client-buffer share must be current, not the cron's last figure
            // (a pipeline's buffers may be gone by now). O(clients), paid only when over the limit.
            refreshClients();
            used = usedForEviction();
        }
        if (used <= maxmemory) {
            if (exceededSinceNs != 0) {
                exceededTotalUs += currentExceededUs();
                exceededSinceNs = 0;
            }
            return Result.OK;
        }
        if (exceededSinceNs == 0) exceededSinceNs = System.nanoTime();
        if (policy == Eviction.Policy.NOEVICTION) return Result.FAIL;
        long toFree = used - maxmemory;
        long limitUs = timeLimitUs();
        long t0 = System.nanoTime();
        long freed = 0;
        int keysFreed = 0;
        Eviction ev = keyspace.eviction();
        while (freed < toFree) {
            Eviction.Victim v = ev.choose(policy, samples);
            if (v == null) return Result.FAIL; // nothing left to evict
            long delta = v.db().evict(v.key());
            if (delta < 0) continue;
            freed += delta;
            keysFreed++;
            server.stats().evictedKeys++;
            server.keyEvicted(v.db(), v.key(), lazyEviction);
            if (keysFreed % 16 == 0 && (System.nanoTime() - t0) / 1000 > limitUs) {
                // Time is up: continue from the event loop, and let the command run meanwhile.
                scheduleProc();
                return Result.RUNNING;
            }
        }
        return Result.OK;
    }

    private void scheduleProc() {
        if (procScheduled || server.loop() == null) return;
        procScheduled = true;
        server.loop().schedule(() -> {
            procScheduled = false;
            performEvictions();
        }, 0, TimeUnit.MILLISECONDS);
    }
}
