package io.vermilion.cluster.runtime;

import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import io.vermilion.util.HashSlot;
import java.util.Arrays;
import java.util.List;

/**
 * Decides, before a command runs, whether this node may serve it (Redis's getNodeByQuery and
 * clusterRedirectClient): all keys must hash to one slot, the slot must be served, the cluster
 * must be up (or reads allowed while down), and the slot must be ours — else the client gets
 * -MOVED, -ASK, -CROSSSLOT, -TRYAGAIN or -CLUSTERDOWN with Redis 7.0's exact text.
 *
 * <p>Also enforces "database 0 only" for SELECT, MOVE and SWAPDB, which Redis refuses in
 * cluster mode.
 */
public final class ClusterRouter implements Server.Router {
    private final ClusterState state;

    public ClusterRouter(ClusterState state) {
        this.state = state;
    }

    public ClusterState state() {
        return state;
    }

    private enum Redirect { NONE, CROSS_SLOT, UNSTABLE, ASK, MOVED, DOWN_STATE, DOWN_UNBOUND, DOWN_RO_STATE }

    @Override
    public boolean redirect(Client c, CommandSpec spec, byte[][] argv) {
        // Commands replayed from the AOF (and, later, from our master) are obeyed, never redirected.
        if (c.isInternal()) return false;
        List<byte[]> keyList;
        boolean write;
        io.vermilion.server.Transaction tx = c.txOrNull();
        if (spec.name().equals("exec") && tx != null && tx.active()) {
            // EXEC: the keys of every queued command together, as Redis's getNodeByQuery, so
            // a transaction across slots fails with CROSSSLOT (each command alone was fine).
            keyList = new java.util.ArrayList<>();
            write = false;
            for (io.vermilion.server.Transaction.Queued q : tx.queued()) {
                List<Integer> pos = q.spec().keyPositions(q.argv());
                if (pos != null) for (int p : pos) keyList.add(q.argv()[p]);
                write |= q.spec().has(CommandSpec.Flag.WRITE);
            }
            if (keyList.isEmpty()) return false;
        } else {
            if (spec.keySpecs().isEmpty() && !spec.has(CommandSpec.Flag.MOVABLE_KEYS)) {
                return databaseRules(c, spec, argv);
            }
            List<Integer> keys = spec.keyPositions(argv);
            String n = spec.name();
            if (n.equals("ssubscribe") || n.equals("sunsubscribe") || n.equals("spublish")) {
                // Shard channels are NOT_KEY specs, which keyPositions leaves out; Redis routes
                // them by their legacy key range, as keys.
                keys = new java.util.ArrayList<>();
                for (io.vermilion.server.KeySpec k : spec.keySpecs()) if (!k.positions(argv, keys)) keys.clear();
            }
            if (keys == null || keys.isEmpty()) return databaseRules(c, spec, argv);
            return route(c, spec, argv, keys, null, spec.has(CommandSpec.Flag.WRITE));
        }
        return route(c, spec, argv, null, keyList, write);
    }

    @Override
    public boolean servesSlot(int slot) {
        return state.slots[slot] == state.myself || state.importingFrom[slot] != null;
    }

    @Override
    public String blockedRedirect(Client c, CommandSpec spec, byte[] key) {
        // Redis 7.0's clusterRedirectBlockedClientIfNeeded.
        if (state.state != ClusterState.STATE_OK) return "CLUSTERDOWN The cluster is down";
        int slot = c.server().keyspace().slotOf(key);
        ClusterNode n = state.slots[slot];
        ClusterNode myself = state.myself;
        if (c.readonly() && !spec.has(CommandSpec.Flag.WRITE) && myself.isReplica() && myself.master == n) n = myself;
        if (n != myself && state.importingFrom[slot] == null) {
            if (n == null) return "CLUSTERDOWN Hash slot not served";
            return "MOVED " + slot + " " + endpoint(n) + ":" + state.clientPortFor(c, n);
        }
        return null;
    }

    /** Checks the keys at {@code positions} of argv, or the given keys (EXEC). */
    private boolean route(Client c, CommandSpec spec, byte[][] argv, List<Integer> positions, List<byte[]> keyList,
                          boolean write) {
        int count = positions != null ? positions.size() : keyList.size();
        ClusterNode myself = state.myself;
        String name = spec.name();
        boolean pubsubShard = name.equals("ssubscribe") || name.equals("sunsubscribe") || name.equals("spublish");
        byte[] firstKey = null;
        int slot = 0;
        ClusterNode n = null;
        boolean migrating = false, importing = false, multipleKeys = false;
        int missing = 0, existing = 0;
        for (int k = 0; k < count; k++) {
            byte[] key = positions != null ? argv[positions.get(k)] : keyList.get(k);
            int thisSlot = c.server().keyspace().slotOf(key);
            if (firstKey == null) {
                firstKey = key;
                slot = thisSlot;
                n = state.slots[slot];
                if (n == null) return reply(c, Redirect.DOWN_UNBOUND, null, 0);
                if (n == myself && state.migratingTo[slot] != null) migrating = true;
                else if (state.importingFrom[slot] != null) importing = true;
            } else if (!Arrays.equals(firstKey, key)) {
                if (slot != thisSlot) return reply(c, Redirect.CROSS_SLOT, null, 0);
                multipleKeys = true;
            }
            // During a migration only the keys really here may be served here.
            if ((migrating || importing) && !pubsubShard) {
                if (c.server().keyspace().db(0).exists(key)) existing++;
                else missing++;
            }
        }

        if (state.state != ClusterState.STATE_OK) {
            if (pubsubShard) {
                if (!state.server().config().getBool("cluster-allow-pubsubshard-when-down")) {
                    return reply(c, Redirect.DOWN_STATE, null, 0);
                }
            } else if (!state.server().config().getBool("cluster-allow-reads-when-down")) {
                return reply(c, Redirect.DOWN_STATE, null, 0);
            } else if (write) {
                return reply(c, Redirect.DOWN_RO_STATE, null, 0);
            }
        }
        if ((migrating || importing) && name.equals("migrate")) return databaseRules(c, spec, argv);
        if (migrating && missing > 0) {
            if (existing > 0) return reply(c, Redirect.UNSTABLE, null, 0);
            return reply(c, Redirect.ASK, state.migratingTo[slot], slot);
        }
        if (importing && (c.asking() || spec.has(CommandSpec.Flag.ASKING))) {
            if (multipleKeys && missing > 0) return reply(c, Redirect.UNSTABLE, null, 0);
            return databaseRules(c, spec, argv);
        }
        if ((c.readonly() || pubsubShard) && !write && myself.isReplica() && myself.master == n) {
            return databaseRules(c, spec, argv);
        }
        if (n != myself) return reply(c, Redirect.MOVED, n, slot);
        return databaseRules(c, spec, argv);
    }

    @Override
    public boolean refuseQueued(Client c, CommandSpec spec, byte[][] argv) {
        return !c.isInternal() && databaseRules(c, spec, argv, true);
    }

    private boolean databaseRules(Client c, CommandSpec spec, byte[][] argv) {
        return databaseRules(c, spec, argv, false);
    }

    /**
     * Only database 0 exists in cluster mode. Redis refuses inside the commands, so a command
     * queued in MULTI is refused only when EXEC runs it ({@code running}).
     */
    private boolean databaseRules(Client c, CommandSpec spec, byte[][] argv, boolean running) {
        if (!running) {
            io.vermilion.server.Transaction tx = c.txOrNull();
            if (tx != null && tx.active() && !spec.name().equals("exec")) return false;
        }
        switch (spec.name()) {
            case "select" -> {
                if (argv.length == 2) {
                    long[] v = new long[1];
                    if (io.vermilion.util.Numbers.parseLong(argv[1], v) && v[0] >= Integer.MIN_VALUE
                            && v[0] <= Integer.MAX_VALUE && v[0] != 0) {
                        c.asking(false);
                        c.server().error(c, "ERR SELECT is not allowed in cluster mode");
                        return true;
                    }
                }
            }
            case "move" -> {
                c.asking(false);
                c.server().error(c, "ERR MOVE is not allowed in cluster mode");
                return true;
            }
            case "swapdb" -> {
                c.asking(false);
                c.server().error(c, "ERR SWAPDB is not allowed in cluster mode");
                return true;
            }
            default -> { }
        }
        return false;
    }

    private boolean reply(Client c, Redirect r, ClusterNode n, int slot) {
        // Redis clears ASKING after any command, served or not.
        c.asking(false);
        String msg = switch (r) {
            case CROSS_SLOT -> "CROSSSLOT Keys in request don't hash to the same slot";
            case UNSTABLE -> "TRYAGAIN Multiple keys request during rehashing of slot";
            case DOWN_STATE -> "CLUSTERDOWN The cluster is down";
            case DOWN_RO_STATE -> "CLUSTERDOWN The cluster is down and only accepts read commands";
            case DOWN_UNBOUND -> "CLUSTERDOWN Hash slot not served";
            case MOVED, ASK -> (r == Redirect.ASK ? "ASK " : "MOVED ") + slot + " " + endpoint(n) + ":"
                    + state.clientPortFor(c, n);
            case NONE -> throw new IllegalStateException();
        };
        c.server().error(c, msg);
        return true;
    }

    /** The address clients are sent to, per cluster-preferred-endpoint-type. */
    String endpoint(ClusterNode n) {
        return preferredEndpoint(state, n);
    }

    static String preferredEndpoint(ClusterState state, ClusterNode n) {
        String type = state.server().config().get("cluster-preferred-endpoint-type");
        return switch (type) {
            case "hostname" -> n.hostname.isEmpty() ? "?" : n.hostname;
            case "unknown-endpoint" -> "";
            default -> n.ip;
        };
    }
}
