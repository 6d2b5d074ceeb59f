package io.vermilion.cluster.runtime;

import static io.vermilion.server.CommandSpec.Acl.CONNECTION;
import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_ASYNC_LOADING;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.cluster.bus.MessageType;
import io.vermilion.commands.Args;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandHandler;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.util.HashSlot;
import io.vermilion.util.Numbers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLUSTER and its subcommands, plus ASKING, READONLY and READWRITE, with Redis 7.0's metadata,
 * replies and error texts. REPLICATE and FAILOVER hand over to {@link ClusterFailover}.
 */
public final class ClusterCommands {
    private ClusterCommands() {}

    private static final String DISABLED = "ERR This instance has cluster support disabled";

    private static final String[] HELP = {
        "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH",
        "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>",
        "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS",
        "    Delete current node own slots information.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "SAVECONFIG",
        "    Force saving cluster configuration on disk.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS",
        "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes of a link",
        "HELP",
        "    Prints this help.",
    };

    /** A subcommand body that needs the cluster state. */
    @FunctionalInterface
    private interface Sub {
        void run(ClusterState s, Client c, byte[][] argv);
    }

    /**
     * Replies "cluster support disabled" without a state. The before-sleep work the command
     * queued (state update, nodes.conf save) runs before its reply is flushed.
     */
    private static CommandHandler on(Sub sub) {
        return (c, argv) -> {
            ClusterState s = ClusterState.of(c.server());
            if (s == null) {
                Args.error(c, DISABLED);
                return;
            }
            sub.run(s, c, argv);
            s.afterCommand();
        };
    }

    public static void register(CommandTable t) {
        String nondet = "nondeterministic_output";
        t.add(cmd("cluster", -2)
                .doc("cluster", "3.0.0", "A container for cluster commands", "Depends on subcommand.")
                .sub(cmd("addslots", -3).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Assign new hash slots to receiving node", "O(N) where N is the total number of hash slot arguments")
                        .handler(on((s, c, a) -> addSlots(s, c, a, false))))
                .sub(cmd("addslotsrange", -4).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "7.0.0", "Assign new hash slots to receiving node", "O(N) where N is the total number of the slots between the start slot and end slot arguments.")
                        .handler(on((s, c, a) -> addSlotsRange(s, c, a, false))))
                .sub(cmd("bumpepoch", 2).flags(NO_ASYNC_LOADING, ADMIN, STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "Advance the cluster config epoch", "O(1)")
                        .handler(on(ClusterCommands::bumpEpoch)))
                .sub(cmd("count-failure-reports", 3).flags(ADMIN, STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "Return the number of failure reports active for a given node", "O(N) where N is the number of failure reports")
                        .handler(on(ClusterCommands::countFailureReports)))
                .sub(cmd("countkeysinslot", 3).flags(STALE)
                        .doc("cluster", "3.0.0", "Return the number of local keys in the specified hash slot", "O(1)")
                        .handler(on(ClusterCommands::countKeysInSlot)))
                .sub(cmd("delslots", -3).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Set hash slots as unbound in receiving node", "O(N) where N is the total number of hash slot arguments")
                        .handler(on((s, c, a) -> addSlots(s, c, a, true))))
                .sub(cmd("delslotsrange", -4).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "7.0.0", "Set hash slots as unbound in receiving node", "O(N) where N is the total number of the slots between the start slot and end slot arguments.")
                        .handler(on((s, c, a) -> addSlotsRange(s, c, a, true))))
                .sub(cmd("failover", -2).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Forces a replica to perform a manual failover of its master.", "O(1)")
                        .handler(on(ClusterCommands::failover)))
                .sub(cmd("flushslots", 2).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Delete a node's own slots information", "O(1)")
                        .handler(on(ClusterCommands::flushSlots)))
                .sub(cmd("forget", 3).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Remove a node from the nodes table", "O(1)")
                        .handler(on(ClusterCommands::forget)))
                .sub(cmd("getkeysinslot", 4).flags(STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "Return local key names in the specified hash slot", "O(log(N)) where N is the number of requested keys")
                        .handler(on(ClusterCommands::getKeysInSlot)))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("cluster", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(on(ClusterCommands::help)))
                .sub(cmd("info", 2).flags(STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "Provides info about Redis Cluster node state", "O(1)")
                        .handler(on(ClusterCommands::info)))
                .sub(cmd("keyslot", 3).flags(STALE)
                        .doc("cluster", "3.0.0", "Returns the hash slot of the specified key", "O(N) where N is the number of bytes in the key")
                        .handler(on((s, c, a) -> c.reply().integer(HashSlot.of(a[2])))))
                .sub(cmd("links", 2).flags(STALE).tips(nondet)
                        .doc("cluster", "7.0.0", "Returns a list of all TCP links to and from peer nodes in cluster", "O(N) where N is the total number of Cluster nodes")
                        .handler(on(ClusterCommands::links)))
                .sub(cmd("meet", -4).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Force a node cluster to handshake with another node", "O(1)")
                        .handler(on(ClusterCommands::meet)))
                .sub(cmd("myid", 2).flags(STALE)
                        .doc("cluster", "3.0.0", "Return the node id", "O(1)")
                        .handler(on((s, c, a) -> c.reply().bulk(latin1(s.myself.name)))))
                .sub(cmd("nodes", 2).flags(STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "Get Cluster config for the node", "O(N) where N is the total number of Cluster nodes")
                        .handler(on((s, c, a) -> c.reply().verbatim(s.nodesDescription(s.usePport(c)), "txt"))))
                .sub(cmd("replicas", 3).flags(ADMIN, STALE).tips(nondet)
                        .doc("cluster", "5.0.0", "List replica nodes of the specified master node", "O(1)")
                        .handler(on(ClusterCommands::replicas)))
                .sub(cmd("replicate", 3).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Reconfigure a node as a replica of the specified master node", "O(1)")
                        .handler(on(ClusterCommands::replicate)))
                .sub(cmd("reset", -2).flags(ADMIN, STALE, NOSCRIPT)
                        .doc("cluster", "3.0.0", "Reset a Redis Cluster node", "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.")
                        .handler(on(ClusterCommands::reset)))
                .sub(cmd("saveconfig", 2).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Forces the node to save cluster state on disk", "O(1)")
                        .handler(on(ClusterCommands::saveConfig)))
                .sub(cmd("set-config-epoch", 3).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Set the configuration epoch in a new node", "O(1)")
                        .handler(on(ClusterCommands::setConfigEpoch)))
                .sub(cmd("setslot", -4).flags(NO_ASYNC_LOADING, ADMIN, STALE)
                        .doc("cluster", "3.0.0", "Bind a hash slot to a specific node", "O(1)")
                        .handler(on(ClusterCommands::setSlot)))
                .sub(cmd("shards", 2).flags(STALE).tips(nondet)
                        .doc("cluster", "7.0.0", "Get array of cluster slots to node mappings", "O(N) where N is the total number of cluster nodes")
                        .handler(on(ClusterCommands::shards)))
                .sub(cmd("slaves", 3).flags(ADMIN, STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "List replica nodes of the specified master node", "O(1)")
                        .handler(on(ClusterCommands::replicas)))
                .sub(cmd("slots", 2).flags(STALE).tips(nondet)
                        .doc("cluster", "3.0.0", "Get array of Cluster slot to node mappings", "O(N) where N is the total number of Cluster nodes")
                        .handler(on(ClusterCommands::slots))));
        t.add(cmd("asking", 1).flags(FAST).acl(CONNECTION)
                .doc("cluster", "3.0.0", "Sent by cluster clients after an -ASK redirect", "O(1)")
                .handler(on((s, c, a) -> { c.asking(true); c.reply().ok(); })));
        t.add(cmd("readonly", 1).flags(FAST, LOADING, STALE).acl(CONNECTION)
                .doc("cluster", "3.0.0", "Enables read queries for a connection to a cluster replica node", "O(1)")
                .handler(on((s, c, a) -> { c.readonly(true); c.reply().ok(); })));
        t.add(cmd("readwrite", 1).flags(FAST, LOADING, STALE).acl(CONNECTION)
                .doc("cluster", "3.0.0", "Disables read queries for a connection to a cluster replica node", "O(1)")
                .handler(on((s, c, a) -> { c.readonly(false); c.reply().ok(); })));
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A strict integer (Redis's getLongLongFromObject), or null. */
    private static Long parse(byte[] b) {
        long[] v = new long[1];
        return Numbers.parseLong(b, v) ? v[0] : null;
    }

    /** getSlotOrReply: -1 after replying the error. */
    private static int slotOrReply(Client c, byte[] arg) {
        Long v = parse(arg);
        if (v == null || v < 0 || v >= HashSlot.SLOTS) {
            Args.error(c, "ERR Invalid or out of range slot");
            return -1;
        }
        return (int) (long) v;
    }

    private static ClusterNode lookup(ClusterState s, byte[] id) {
        return s.lookup(text(id));
    }

    // ------------------------------------------------------------------ subcommands

    private static void help(ClusterState s, Client c, byte[][] argv) {
        c.reply().array(HELP.length);
        for (String line : HELP) c.reply().simple(line);
    }

    private static void meet(ClusterState s, Client c, byte[][] argv) {
        if (argv.length != 4 && argv.length != 5) {
            Args.error(c, "ERR unknown subcommand or wrong number of arguments for '" + text(argv[1]) + "'. Try CLUSTER HELP.");
            return;
        }
        Long port = parse(argv[3]);
        if (port == null) {
            Args.error(c, "ERR Invalid TCP base port specified: " + text(argv[3]));
            return;
        }
        long cport;
        if (argv.length == 5) {
            Long cp = parse(argv[4]);
            if (cp == null) {
                Args.error(c, "ERR Invalid TCP bus port specified: " + text(argv[4]));
                return;
            }
            cport = cp;
        } else {
            cport = port + ClusterState.PORT_INCR;
        }
        if (s.startHandshake(text(argv[2]), port, cport) == ClusterState.Handshake.INVALID) {
            Args.error(c, "ERR Invalid node address specified: " + text(argv[2]) + ":" + text(argv[3]));
            return;
        }
        c.reply().ok();
    }

    /** Marks the slots of ADDSLOTS/DELSLOTS[RANGE] after checking them (checkSlotAssignmentsOrReply). */
    private static boolean checkSlots(ClusterState s, Client c, byte[] seen, boolean del, int start, int end) {
        for (int slot = start; slot <= end; slot++) {
            if (del && s.slots[slot] == null) {
                Args.error(c, "ERR Slot " + slot + " is already unassigned");
                return false;
            } else if (!del && s.slots[slot] != null) {
                Args.error(c, "ERR Slot " + slot + " is already busy");
                return false;
            }
            if (seen[slot]++ == 1) {
                Args.error(c, "ERR Slot " + slot + " specified multiple times");
                return false;
            }
        }
        return true;
    }

    private static void applySlots(ClusterState s, byte[] seen, boolean del) {
        for (int j = 0; j < HashSlot.SLOTS; j++) {
            if (seen[j] == 0) continue;
            // Owning the slot for real ends an import.
            s.importingFrom[j] = null;
            if (del) s.delSlot(j);
            else s.addSlot(s.myself, j);
        }
        s.todo(ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_SAVE_CONFIG);
    }

    private static void addSlots(ClusterState s, Client c, byte[][] argv, boolean del) {
        byte[] seen = new byte[HashSlot.SLOTS];
        for (int j = 2; j < argv.length; j++) {
            if (slotOrReply(c, argv[j]) < 0) return;
        }
        for (int j = 2; j < argv.length; j++) {
            int slot = slotOrReply(c, argv[j]);
            if (!checkSlots(s, c, seen, del, slot, slot)) return;
        }
        applySlots(s, seen, del);
        c.reply().ok();
    }

    private static void addSlotsRange(ClusterState s, Client c, byte[][] argv, boolean del) {
        if (argv.length % 2 == 1) {
            Args.error(c, Errors.wrongArgs("cluster|" + (del ? "delslotsrange" : "addslotsrange")));
            return;
        }
        byte[] seen = new byte[HashSlot.SLOTS];
        for (int j = 2; j < argv.length; j += 2) {
            int start = slotOrReply(c, argv[j]);
            if (start < 0) return;
            int end = slotOrReply(c, argv[j + 1]);
            if (end < 0) return;
            if (start > end) {
                Args.error(c, "ERR start slot number " + start + " is greater than end slot number " + end);
                return;
            }
            if (!checkSlots(s, c, seen, del, start, end)) return;
        }
        applySlots(s, seen, del);
        c.reply().ok();
    }

    private static void flushSlots(ClusterState s, Client c, byte[][] argv) {
        if (c.server().keyspace().db(0).size() != 0) {
            Args.error(c, "ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
            return;
        }
        s.delNodeSlots(s.myself);
        s.todo(ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_SAVE_CONFIG);
        c.reply().ok();
    }

    private static void setSlot(ClusterState s, Client c, byte[][] argv) {
        if (s.myself.isReplica()) {
            Args.error(c, "ERR Please use SETSLOT only with masters.");
            return;
        }
        int slot = slotOrReply(c, argv[2]);
        if (slot < 0) return;
        String action = text(argv[3]).toLowerCase(java.util.Locale.ROOT);
        if (action.equals("migrating") && argv.length == 5) {
            if (s.slots[slot] != s.myself) {
                Args.error(c, "ERR I'm not the owner of hash slot " + slot);
                return;
            }
            ClusterNode n = lookup(s, argv[4]);
            if (n == null) {
                Args.error(c, "ERR I don't know about node " + text(argv[4]));
                return;
            }
            if (n.isReplica()) {
                Args.error(c, "ERR Target node is not a master");
                return;
            }
            s.setMigrating(slot, n);
        } else if (action.equals("importing") && argv.length == 5) {
            if (s.slots[slot] == s.myself) {
                Args.error(c, "ERR I'm already the owner of hash slot " + slot);
                return;
            }
            ClusterNode n = lookup(s, argv[4]);
            if (n == null) {
                Args.error(c, "ERR I don't know about node " + text(argv[4]));
                return;
            }
            if (n.isReplica()) {
                Args.error(c, "ERR Target node is not a master");
                return;
            }
            s.setImporting(slot, n);
        } else if (action.equals("stable") && argv.length == 4) {
            s.importingFrom[slot] = null;
            s.migratingTo[slot] = null;
        } else if (action.equals("node") && argv.length == 5) {
            ClusterNode n = lookup(s, argv[4]);
            if (n == null) {
                Args.error(c, "ERR Unknown node " + text(argv[4]));
                return;
            }
            if (n.isReplica()) {
                Args.error(c, "ERR Target node is not a master");
                return;
            }
            if (s.slots[slot] == s.myself && n != s.myself && s.countKeysInSlot(slot) != 0) {
                Args.error(c, "ERR Can't assign hashslot " + slot
                        + " to a different node while I still hold keys for this hash slot.");
                return;
            }
            // Without keys left, handing the slot over ends its migration.
            if (s.countKeysInSlot(slot) == 0 && s.migratingTo[slot] != null) s.migratingTo[slot] = null;
            boolean wasMine = s.slots[slot] == s.myself;
            s.delSlot(slot);
            s.addSlot(n, slot);
            if (wasMine && n != s.myself && s.myself.numSlots == 0
                    && c.server().config().getBool("cluster-allow-replica-migration")) {
                c.server().log().warning("Configuration change detected. Reconfiguring myself as a replica of " + n.name);
                s.setMaster(n);
                s.todo(ClusterState.TODO_SAVE_CONFIG | ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_FSYNC_CONFIG);
            }
            if (n == s.myself && s.importingFrom[slot] != null) {
                // The import is complete: take a new epoch so the cluster accepts our claim, and tell everyone.
                if (s.bumpEpochWithoutConsensus()) {
                    c.server().log().warning("configEpoch updated after importing slot " + slot);
                }
                s.importingFrom[slot] = null;
                s.broadcastPongSoon();
            }
        } else {
            Args.error(c, "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
            return;
        }
        s.todo(ClusterState.TODO_SAVE_CONFIG | ClusterState.TODO_UPDATE_STATE);
        c.reply().ok();
    }

    private static void bumpEpoch(ClusterState s, Client c, byte[][] argv) {
        boolean bumped = s.bumpEpochWithoutConsensus();
        c.reply().simple((bumped ? "BUMPED " : "STILL ") + Long.toUnsignedString(s.myself.configEpoch));
    }

    private static void info(ClusterState s, Client c, byte[][] argv) {
        int assigned = 0, ok = 0, pfail = 0, fail = 0;
        for (int j = 0; j < HashSlot.SLOTS; j++) {
            ClusterNode n = s.slots[j];
            if (n == null) continue;
            assigned++;
            if (n.failed()) fail++;
            else if (n.timedOut()) pfail++;
            else ok++;
        }
        ClusterNode me = s.myself;
        long myEpoch = me.isReplica() && me.master != null ? me.master.configEpoch : me.configEpoch;
        StringBuilder sb = new StringBuilder();
        sb.append("cluster_state:").append(s.state == ClusterState.STATE_OK ? "ok" : "fail").append("\r\n");
        sb.append("cluster_slots_assigned:").append(assigned).append("\r\n");
        sb.append("cluster_slots_ok:").append(ok).append("\r\n");
        sb.append("cluster_slots_pfail:").append(pfail).append("\r\n");
        sb.append("cluster_slots_fail:").append(fail).append("\r\n");
        sb.append("cluster_known_nodes:").append(s.nodes.size()).append("\r\n");
        sb.append("cluster_size:").append(s.size).append("\r\n");
        sb.append("cluster_current_epoch:").append(Long.toUnsignedString(s.currentEpoch)).append("\r\n");
        sb.append("cluster_my_epoch:").append(Long.toUnsignedString(myEpoch)).append("\r\n");
        long totSent = 0, totReceived = 0;
        for (int i = 0; i < MessageType.COUNT; i++) {
            if (s.statsSent[i] == 0) continue;
            totSent += s.statsSent[i];
            sb.append("cluster_stats_messages_").append(MessageType.textOf(i)).append("_sent:").append(s.statsSent[i]).append("\r\n");
        }
        sb.append("cluster_stats_messages_sent:").append(totSent).append("\r\n");
        for (int i = 0; i < MessageType.COUNT; i++) {
            if (s.statsReceived[i] == 0) continue;
            totReceived += s.statsReceived[i];
            sb.append("cluster_stats_messages_").append(MessageType.textOf(i)).append("_received:").append(s.statsReceived[i]).append("\r\n");
        }
        sb.append("cluster_stats_messages_received:").append(totReceived).append("\r\n");
        sb.append("total_cluster_links_buffer_limit_exceeded:").append(s.statLinksBufferLimitExceeded).append("\r\n");
        c.reply().verbatim(sb.toString(), "txt");
    }

    private static void saveConfig(ClusterState s, Client c, byte[][] argv) {
        try {
            s.saveConfig(true);
            c.reply().ok();
        } catch (IOException e) {
            Args.error(c, "ERR error saving the cluster node config: " + e.getMessage());
        }
    }

    private static void countKeysInSlot(ClusterState s, Client c, byte[][] argv) {
        Long slot = Args.longOrReply(c, argv[2]);
        if (slot == null) return;
        if (slot < 0 || slot >= HashSlot.SLOTS) {
            Args.error(c, "ERR Invalid slot");
            return;
        }
        c.reply().integer(s.countKeysInSlot((int) (long) slot));
    }

    private static void getKeysInSlot(ClusterState s, Client c, byte[][] argv) {
        Long slot = Args.longOrReply(c, argv[2]);
        if (slot == null) return;
        Long max = Args.longOrReply(c, argv[3]);
        if (max == null) return;
        if (slot < 0 || slot >= HashSlot.SLOTS || max < 0) {
            Args.error(c, "ERR Invalid slot or number of keys");
            return;
        }
        List<byte[]> keys = c.server().keyspace().db(0).keysInSlot((int) (long) slot, (int) Math.min(max, Integer.MAX_VALUE));
        c.reply().array(keys.size());
        for (byte[] k : keys) c.reply().bulk(k);
    }

    private static void forget(ClusterState s, Client c, byte[][] argv) {
        ClusterNode n = lookup(s, argv[2]);
        if (n == null) {
            Args.error(c, "ERR Unknown node " + text(argv[2]));
            return;
        } else if (n == s.myself) {
            Args.error(c, "ERR I tried hard but I can't forget myself...");
            return;
        } else if (s.myself.isReplica() && s.myself.master == n) {
            Args.error(c, "ERR Can't forget my master!");
            return;
        }
        s.blacklistAdd(n);
        s.delNode(n);
        s.todo(ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_SAVE_CONFIG);
        c.reply().ok();
    }

    private static void replicas(ClusterState s, Client c, byte[][] argv) {
        ClusterNode n = lookup(s, argv[2]);
        if (n == null) {
            Args.error(c, "ERR Unknown node " + text(argv[2]));
            return;
        }
        if (n.isReplica()) {
            Args.error(c, "ERR The specified node is not a master");
            return;
        }
        c.reply().array(n.replicas.size());
        for (ClusterNode r : n.replicas) {
            c.reply().bulk(latin1(io.vermilion.cluster.ClusterNodesFormat.render(s.describe(r, s.usePport(c)))));
        }
    }

    private static void replicate(ClusterState s, Client c, byte[][] argv) {
        ClusterNode n = lookup(s, argv[2]);
        if (n == null) {
            Args.error(c, "ERR Unknown node " + text(argv[2]));
            return;
        }
        String err = s.failover.replicate(n);
        if (err != null) {
            Args.error(c, err);
            return;
        }
        c.reply().ok();
    }

    private static void failover(ClusterState s, Client c, byte[][] argv) {
        if (argv.length > 3) {
            Args.error(c, "ERR unknown subcommand or wrong number of arguments for '" + text(argv[1]) + "'. Try CLUSTER HELP.");
            return;
        }
        boolean force = false;
        boolean takeover = false;
        if (argv.length == 3) {
            String opt = text(argv[2]);
            if (opt.equalsIgnoreCase("force")) {
                force = true;
            } else if (opt.equalsIgnoreCase("takeover")) {
                takeover = true;
                force = true;
            } else {
                Args.error(c, "ERR syntax error");
                return;
            }
        }
        String err = s.failover.manual(force, takeover);
        if (err != null) {
            Args.error(c, err);
            return;
        }
        c.reply().ok();
    }

    private static void countFailureReports(ClusterState s, Client c, byte[][] argv) {
        ClusterNode n = lookup(s, argv[2]);
        if (n == null) {
            Args.error(c, "ERR Unknown node " + text(argv[2]));
            return;
        }
        c.reply().integer(s.failureReportsCount(n));
    }

    private static void setConfigEpoch(ClusterState s, Client c, byte[][] argv) {
        Long epoch = Args.longOrReply(c, argv[2]);
        if (epoch == null) return;
        if (epoch < 0) {
            Args.error(c, "ERR Invalid config epoch specified: " + epoch);
        } else if (s.nodes.size() > 1) {
            Args.error(c, "ERR The user can assign a config epoch only when the node does not know any other node.");
        } else if (s.myself.configEpoch != 0) {
            Args.error(c, "ERR Node config epoch is already non-zero");
        } else {
            s.myself.configEpoch = epoch;
            c.server().log().warning("configEpoch set to " + epoch + " via CLUSTER SET-CONFIG-EPOCH");
            if (Long.compareUnsigned(s.currentEpoch, epoch) < 0) s.currentEpoch = epoch;
            s.todo(ClusterState.TODO_UPDATE_STATE | ClusterState.TODO_SAVE_CONFIG);
            c.reply().ok();
        }
    }

    private static void reset(ClusterState s, Client c, byte[][] argv) {
        boolean hard = false;
        if (argv.length == 3) {
            if (Args.is(argv[2], "hard")) hard = true;
            else if (!Args.is(argv[2], "soft")) {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        } else if (argv.length > 3) {
            Args.error(c, "ERR unknown subcommand or wrong number of arguments for '" + text(argv[1]) + "'. Try CLUSTER HELP.");
            return;
        }
        if (s.myself.isMaster() && c.db().size() != 0) {
            Args.error(c, "ERR CLUSTER RESET can't be called with master nodes containing keys");
            return;
        }
        s.reset(hard);
        c.reply().ok();
    }

    private static void links(ClusterState s, Client c, byte[][] argv) {
        List<ClusterLink> out = new ArrayList<>();
        for (ClusterNode n : s.nodes.values()) {
            if (n.link != null) out.add(n.link);
            if (n.inboundLink != null) out.add(n.inboundLink);
        }
        Reply r = c.reply();
        r.array(out.size());
        for (ClusterLink l : out) {
            r.map(6);
            r.bulk(latin1("direction"));
            r.bulk(latin1(l.inbound ? "from" : "to"));
            r.bulk(latin1("node"));
            r.bulk(latin1(l.node.name));
            r.bulk(latin1("create-time"));
            r.integer(l.ctime);
            r.bulk(latin1("events"));
            r.bulk(latin1(l.events()));
            long used = l.sendBufferUsed();
            r.bulk(latin1("send-buffer-allocated"));
            r.integer(used);
            r.bulk(latin1("send-buffer-used"));
            r.integer(used);
        }
    }

    // ------------------------------------------------------------------ SLOTS and SHARDS

    private static boolean replicaAvailable(ClusterNode n) {
        if (n.failed()) return false;
        long offset = n.isMyself() ? 0 : n.replOffset; // we do not replicate yet: our own offset is 0
        return offset != 0;
    }

    private static void nodeEntry(ClusterState s, Client c, ClusterNode n) {
        Reply r = c.reply();
        r.array(4);
        String type = c.server().config().get("cluster-preferred-endpoint-type");
        switch (type) {
            case "hostname" -> r.bulk(latin1(n.hostname.isEmpty() ? "?" : n.hostname));
            case "unknown-endpoint" -> r.nullBulk();
            default -> r.bulk(latin1(n.ip));
        }
        r.integer(s.clientPortFor(c, n));
        r.bulk(latin1(n.name));
        int extra = 0;
        if (!type.equals("ip")) extra++;
        if (!type.equals("hostname") && !n.hostname.isEmpty()) extra++;
        r.map(extra);
        if (!type.equals("ip")) {
            r.bulk(latin1("ip"));
            r.bulk(latin1(n.ip));
        }
        if (!type.equals("hostname") && !n.hostname.isEmpty()) {
            r.bulk(latin1("hostname"));
            r.bulk(latin1(n.hostname));
        }
    }

    private static void slots(ClusterState s, Client c, byte[][] argv) {
        List<Object[]> runs = s.slotRuns();
        c.reply().array(runs.size());
        for (Object[] run : runs) {
            ClusterNode n = (ClusterNode) run[2];
            List<ClusterNode> reps = new ArrayList<>();
            for (ClusterNode r : n.replicas) if (replicaAvailable(r)) reps.add(r);
            c.reply().array(3 + reps.size());
            c.reply().integer((Integer) run[0]);
            c.reply().integer((Integer) run[1]);
            nodeEntry(s, c, n);
            for (ClusterNode r : reps) nodeEntry(s, c, r);
        }
    }

    private static void shards(ClusterState s, Client c, byte[][] argv) {
        Map<ClusterNode, List<Integer>> ranges = new LinkedHashMap<>();
        for (Object[] run : s.slotRuns()) {
            ranges.computeIfAbsent((ClusterNode) run[2], k -> new ArrayList<>()).add((Integer) run[0]);
            ranges.get((ClusterNode) run[2]).add((Integer) run[1]);
        }
        List<ClusterNode> masters = new ArrayList<>();
        for (ClusterNode n : s.nodes.values()) if (n.isMaster()) masters.add(n);
        Reply r = c.reply();
        r.array(masters.size());
        for (ClusterNode m : masters) {
            r.map(2);
            r.bulk(latin1("slots"));
            List<Integer> pairs = ranges.getOrDefault(m, List.of());
            r.array(pairs.size());
            for (int v : pairs) r.integer(v);
            r.bulk(latin1("nodes"));
            r.array(1 + m.replicas.size());
            shardNode(s, c, m);
            for (ClusterNode rep : m.replicas) shardNode(s, c, rep);
        }
    }

    private static void shardNode(ClusterState s, Client c, ClusterNode n) {
        Reply r = c.reply();
        long offset = n.isMyself() ? 0 : n.replOffset;
        boolean host = !n.hostname.isEmpty();
        // As Redis: tls-cluster says whether a node's port is its TLS port (then pport is the plaintext one).
        boolean tlsCluster = c.server().config().getBool("tls-cluster");
        int plainPort = tlsCluster ? n.pport : n.port;
        int tlsPort = tlsCluster ? n.port : 0;
        int fields = 6 + (plainPort != 0 ? 1 : 0) + (tlsPort != 0 ? 1 : 0) + (host ? 1 : 0);
        r.map(fields);
        r.bulk(latin1("id"));
        r.bulk(latin1(n.name));
        if (plainPort != 0) {
            r.bulk(latin1("port"));
            r.integer(plainPort);
        }
        if (tlsPort != 0) {
            r.bulk(latin1("tls-port"));
            r.integer(tlsPort);
        }
        r.bulk(latin1("ip"));
        r.bulk(latin1(n.ip));
        r.bulk(latin1("endpoint"));
        r.bulk(latin1(ClusterRouter.preferredEndpoint(s, n)));
        if (host) {
            r.bulk(latin1("hostname"));
            r.bulk(latin1(n.hostname));
        }
        r.bulk(latin1("role"));
        r.bulk(latin1(n.isReplica() ? "replica" : "master"));
        r.bulk(latin1("replication-offset"));
        r.integer(offset);
        r.bulk(latin1("health"));
        String health = n.failed() ? "fail" : (n.isReplica() && offset == 0 ? "loading" : "online");
        r.bulk(latin1(health));
    }
}
