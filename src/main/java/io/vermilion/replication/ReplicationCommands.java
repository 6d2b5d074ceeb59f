package io.vermilion.replication;

import static io.vermilion.server.CommandSpec.Acl.ADMIN;
import static io.vermilion.server.CommandSpec.Acl.CONNECTION;
import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_ASYNC_LOADING;
import static io.vermilion.server.CommandSpec.Flag.NO_MULTI;
import static io.vermilion.server.CommandSpec.Flag.SENTINEL;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Reply;
import io.vermilion.server.Blocking;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The replication commands: REPLICAOF/SLAVEOF, SYNC, PSYNC, REPLCONF, WAIT, ROLE. */
public final class ReplicationCommands {
    private ReplicationCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("replicaof", 3).flags(NO_ASYNC_LOADING, CommandSpec.Flag.ADMIN, NOSCRIPT, STALE)
                .doc("server", "5.0.0", "Make the server a replica of another instance, or promote it as master.", "O(1)")
                .handler(ReplicationCommands::replicaof));
        t.add(cmd("slaveof", 3).flags(NO_ASYNC_LOADING, CommandSpec.Flag.ADMIN, NOSCRIPT, STALE)
                .doc("server", "1.0.0", "Make the server a replica of another instance, or promote it as master.", "O(1)")
                .handler(ReplicationCommands::replicaof));
        t.add(cmd("sync", 1).flags(NO_ASYNC_LOADING, CommandSpec.Flag.ADMIN, NO_MULTI, NOSCRIPT)
                .doc("server", "1.0.0", "Internal command used for replication", "")
                .handler(ReplicationCommands::sync));
        t.add(cmd("psync", -3).flags(NO_ASYNC_LOADING, CommandSpec.Flag.ADMIN, NO_MULTI, NOSCRIPT)
                .doc("server", "2.8.0", "Internal command used for replication", "")
                .handler(ReplicationCommands::sync));
        t.add(cmd("replconf", -1).flags(CommandSpec.Flag.ADMIN, NOSCRIPT, LOADING, STALE, ALLOW_BUSY)
                .doc("server", "3.0.0", "An internal command for configuring the replication stream", "O(1)")
                .handler(ReplicationCommands::replconf));
        t.add(cmd("wait", 3).flags(NOSCRIPT).acl(CONNECTION)
                .tips("request_policy:all_shards", "response_policy:agg_min")
                .doc("generic", "3.0.0", "Wait for the synchronous replication of all the write commands sent in the "
                        + "context of the current connection", "O(1)")
                .handler(ReplicationCommands::waitCmd));
        t.add(cmd("role", 1).flags(NOSCRIPT, LOADING, STALE, FAST, SENTINEL).acl(ADMIN, DANGEROUS)
                .doc("server", "2.8.12", "Return the role of the instance in the context of replication", "O(1)")
                .handler(ReplicationCommands::role));
    }

    private static String str(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    private static boolean is(byte[] b, String lower) { return str(b).equalsIgnoreCase(lower); }

    private static Long parseLong(byte[] b) {
        long[] v = new long[1];
        return io.vermilion.util.Numbers.parseLong(b, v) ? v[0] : null;
    }

    private static void replicaof(Client c, byte[][] argv) {
        Replication r = Replication.of(c.server());
        if (c.server().clusterEnabled()) {
            c.server().error(c, "ERR REPLICAOF not allowed in cluster mode.");
            return;
        }
        if (is(argv[1], "no") && is(argv[2], "one")) {
            if (r.isReplica()) {
                r.becomeMaster();
                c.server().log().notice("MASTER MODE enabled (user request from '" + c.infoLine() + "')");
            }
            c.reply().ok();
            return;
        }
        if ("replica".equals(c.type())) {
            c.server().error(c, "ERR Command is not valid when client is a replica.");
            return;
        }
        Long port = parseLong(argv[2]);
        if (port == null || port < 0 || port > 65535) {
            c.server().error(c, "ERR Invalid master port");
            return;
        }
        String host = str(argv[1]);
        if (r.isReplica() && r.masterHost().equalsIgnoreCase(host) && r.masterPort() == port) {
            c.server().log().notice("REPLICAOF would result into synchronization with the master we are already "
                    + "connected with. No operation performed.");
            c.reply().simple("OK Already connected to specified master");
            return;
        }
        r.replicaOf(host, (int) (long) port);
        c.server().log().notice("REPLICAOF " + host + ":" + port + " enabled (user request from '" + c.infoLine() + "')");
        c.reply().ok();
    }

    private static void sync(Client c, byte[][] argv) {
        Replication r = Replication.of(c.server());
        ReplicaConn rc = r.connOrNull(c);
        if (rc != null && rc.state != null) return; // already a replica
        if (r.isReplica() && !r.linkUp()) {
            c.server().error(c, "NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        boolean psync = is(argv[0], "psync");
        long offset = -1;
        String id = "?";
        if (psync) {
            Long o = parseLong(argv[2]);
            if (o == null) {
                c.server().error(c, "ERR value is not an integer or out of range");
                return;
            }
            offset = o;
            id = str(argv[1]);
        }
        ReplicaConn conn = r.conn(c);
        conn.plainSync = !psync;
        r.sync(c, id, offset, psync);
    }

    private static void replconf(Client c, byte[][] argv) {
        Replication r = Replication.of(c.server());
        if (argv.length % 2 == 0) {
            c.server().error(c, "ERR syntax error");
            return;
        }
        ReplicaConn rc = null;
        for (int j = 1; j < argv.length; j += 2) {
            byte[] opt = argv[j], val = argv[j + 1];
            if (is(opt, "listening-port")) {
                Long p = parseLong(val);
                if (p == null) {
                    c.server().error(c, "ERR value is not an integer or out of range");
                    return;
                }
                if (rc == null) rc = r.conn(c);
                rc.listeningPort = (int) (long) p;
            } else if (is(opt, "ip-address")) {
                if (val.length > 255) {
                    c.server().error(c, "ERR REPLCONF ip-address provided by replica instance is too long: "
                            + val.length + " bytes");
                    return;
                }
                if (rc == null) rc = r.conn(c);
                rc.announcedIp = str(val);
            } else if (is(opt, "capa")) {
                if (rc == null) rc = r.conn(c);
                if (is(val, "eof")) rc.capaEof = true;
                else if (is(val, "psync2")) rc.capaPsync2 = true;
            } else if (is(opt, "ack")) {
                ReplicaConn x = r.connOrNull(c);
                if (x == null || x.state == null) return;
                Long off = parseLong(val);
                if (off == null) return;
                r.ack(x, off);
                return;
            } else if (is(opt, "getack")) {
                return; // answered by the master link itself (the master's stream)
            } else if (is(opt, "rdb-only")) {
                Long v = parseLong(val);
                if (v == null) {
                    c.server().error(c, "ERR value is not an integer or out of range");
                    return;
                }
                if (v != 0 && v != 1) {
                    c.server().error(c, "ERR value is out of range, value must between 0 and 1");
                    return;
                }
                if (rc == null) rc = r.conn(c);
                rc.rdbOnly = v == 1;
            } else if (is(opt, "rdb-filter-only")) {
                // functions-only RDBs: we have no functions; accepted and ignored
            } else {
                c.server().error(c, "ERR Unrecognized REPLCONF option: " + str(opt));
                return;
            }
        }
        c.reply().ok();
    }

    private static void waitCmd(Client c, byte[][] argv) {
        Replication r = Replication.of(c.server());
        if (r.isReplica()) {
            r.waitCommand(c, 0, 0);
            return;
        }
        Long n = parseLong(argv[1]);
        if (n == null) {
            c.server().error(c, "ERR value is not an integer or out of range");
            return;
        }
        long deadline = Blocking.timeoutMsOrReply(c, argv[2]);
        if (deadline < 0) return;
        r.waitCommand(c, n, deadline);
    }

    private static void role(Client c, byte[][] argv) {
        Replication r = Replication.of(c.server());
        Reply out = c.reply();
        if (!r.isReplica()) {
            out.array(3);
            out.bulk("master");
            out.integer(r.masterReplOffset());
            List<ReplicaConn> online = new java.util.ArrayList<>();
            for (ReplicaConn rc : r.replicas) if (rc.state == ReplicaConn.State.ONLINE) online.add(rc);
            out.array(online.size());
            for (ReplicaConn rc : online) {
                out.array(3);
                out.bulk(rc.ip());
                out.bulk(Integer.toString(rc.listeningPort));
                out.bulk(Long.toString(rc.ackOffset));
            }
            return;
        }
        out.array(5);
        out.bulk("slave");
        out.bulk(r.masterHost());
        out.integer(r.masterPort());
        out.bulk(r.roleState());
        out.integer(r.linkUp() ? r.masterReplOffset() : -1);
    }
}
