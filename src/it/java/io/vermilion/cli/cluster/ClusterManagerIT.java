package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.assumeSync;
import static io.vermilion.cli.cluster.ClusterCliSupport.assertSettled;
import static io.vermilion.cli.cluster.ClusterCliSupport.call;
import static io.vermilion.cli.cluster.ClusterCliSupport.maskIds;
import static io.vermilion.cli.cluster.ClusterCliSupport.missingOrWrong;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.ours;
import static io.vermilion.cli.cluster.ClusterCliSupport.oursWithInput;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCli;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCliWithInput;
import static io.vermilion.cli.cluster.ClusterCliSupport.writeKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * vermilion-cli --cluster managing a real cluster (each test runs on Vermilion nodes and on real
 * Redis nodes, see {@link BothKinds}), compared with the real redis-cli 7.0 on the same cluster or on a twin one:
 * same stdout (ids masked where the clusters differ), same exit status. Where we do more (wait
 * until the cluster agrees), the test checks that too, without waiting itself.
 */
class ClusterManagerIT {

    static List<ServerProcess> freshNodes(ServerProcess.Kind kind, int n) throws Exception {
        List<ServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(ServerProcess.start(kind, Ports.free(), List.of("--cluster-enabled", "yes",
                    "--cluster-node-timeout", "5000", "--enable-debug-command", "yes")));
        }
        return nodes;
    }

    static void closeAll(List<ServerProcess> nodes) {
        for (ServerProcess p : nodes) p.close();
    }

    static List<Integer> ports(List<ServerProcess> nodes) {
        List<Integer> p = new ArrayList<>();
        for (ServerProcess s : nodes) p.add(s.port());
        return p;
    }

    /** Ports become N1..Nn (by position), ids <id>, lines of waiting dots <dots>. */
    static String normalize(String out, List<Integer> ports) {
        String s = maskIds(out);
        for (int i = 0; i < ports.size(); i++) s = s.replace("127.0.0.1:" + ports.get(i), "N" + (i + 1));
        return s.replaceAll("Waiting for the cluster to join\n\\.*\n", "Waiting for the cluster to join\n<dots>\n");
    }

    /** The node blocks of a check listing, as a set (their order is the nodes' dict order). */
    static TreeSet<String> blocks(String checkPart) {
        TreeSet<String> out = new TreeSet<>();
        StringBuilder cur = null;
        for (String line : checkPart.split("\n")) {
            if (line.startsWith("M: ") || line.startsWith("S: ")) {
                if (cur != null) out.add(cur.toString());
                cur = new StringBuilder(line);
            } else if (line.startsWith("   ") && cur != null) {
                cur.append('\n').append(line);
            } else {
                if (cur != null) out.add(cur.toString());
                cur = null;
                out.add("~" + line);
            }
        }
        if (cur != null) out.add(cur.toString());
        return out;
    }

    static void assertSameCreate(String expected, String actual) {
        String marker = ">>> Performing Cluster Check";
        assertThat(actual).contains(marker);
        assertThat(actual.substring(0, actual.indexOf(marker))).isEqualTo(expected.substring(0, expected.indexOf(marker)));
        assertThat(blocks(actual.substring(actual.indexOf(marker)))).isEqualTo(blocks(expected.substring(expected.indexOf(marker))));
    }

    @BothKinds
    void createMastersLikeRedisCliAndReturnsSettled(ServerProcess.Kind kind) throws Exception {
        List<ServerProcess> a = freshNodes(kind, 3), b = freshNodes(kind, 3);
        try {
            List<String> argsA = new ArrayList<>(List.of("--cluster", "create"));
            for (int p : ports(a)) argsA.add(addr(p));
            argsA.add("--cluster-yes");
            List<String> argsB = new ArrayList<>(List.of("--cluster", "create"));
            for (int p : ports(b)) argsB.add(addr(p));
            argsB.add("--cluster-yes");
            Result expected = redisCli(argsA.toArray(new String[0]));
            Result actual = ours(argsB.toArray(new String[0]));
            // Returned means settled: every node knows every other and agrees, no waiting here.
            assertSettled(ports(b));
            assertThat(actual.exit()).as("%s", actual).isEqualTo(expected.exit()).isZero();
            assertSameCreate(normalize(expected.out(), ports(a)), normalize(actual.out(), ports(b)));
            assertThat(actual.out()).contains("Master[0] -> Slots 0 - 5460", "Master[1] -> Slots 5461 - 10922",
                    "Master[2] -> Slots 10923 - 16383", "[OK] All nodes agree about slots configuration.",
                    "[OK] All 16384 slots covered.");
            Result check = redisCli("--cluster", "check", addr(b.get(0).port()));
            assertThat(check.exit()).as("%s", check).isZero();
        } finally {
            closeAll(a);
            closeAll(b);
        }
    }

    @BothKinds
    void createWithReplicasLikeRedisCli(ServerProcess.Kind kind) throws Exception {
        List<ServerProcess> a = freshNodes(kind, 6), b = freshNodes(kind, 6);
        try {
            List<String> argsA = new ArrayList<>(List.of("--cluster", "create"));
            for (int p : ports(a)) argsA.add(addr(p));
            argsA.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            List<String> argsB = new ArrayList<>(List.of("--cluster", "create"));
            for (int p : ports(b)) argsB.add(addr(p));
            argsB.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Result expected = redisCli(argsA.toArray(new String[0]));
            Result actual = ours(argsB.toArray(new String[0]));
            assertSettled(ports(b));
            assertThat(actual.exit()).as("%s", actual).isEqualTo(expected.exit()).isZero();
            // redis-cli reshuffles replicas at random when all nodes share a host; compare without
            // who replicates whom (ids are masked), which both print the same way.
            assertSameCreate(normalize(expected.out(), ports(a)), normalize(actual.out(), ports(b)));
            assertThat(actual.out()).contains("Adding replica", ">>> Trying to optimize slaves allocation for anti-affinity",
                    "[WARNING] Some slaves are in the same host as their master", "1 additional replica(s)");
            int slaves = 0;
            for (int p : ports(b)) if (ClusterCliSupport.myLine(p).contains("slave")) slaves++;
            assertThat(slaves).isEqualTo(3);
        } finally {
            closeAll(a);
            closeAll(b);
        }
    }

    @BothKinds
    void createRefusesWhatRedisCliRefuses(ServerProcess.Kind kind) throws Exception {
        List<ServerProcess> a = freshNodes(kind, 2);
        try {
            String[] args = {"--cluster", "create", addr(a.get(0).port()), addr(a.get(1).port()), "--cluster-yes"};
            Result expected = redisCli(args);
            Result actual = ours(args);
            assertThat(actual.exit()).isEqualTo(expected.exit()).isEqualTo(1);
            assertThat(normalize(actual.out(), ports(a))).isEqualTo(normalize(expected.out(), ports(a)));
            // The "yes" question, answered no: nothing happens.
            List<ServerProcess> three = freshNodes(kind, 3);
            try {
                List<String> c = new ArrayList<>(List.of("--cluster", "create"));
                for (int p : ports(three)) c.add(addr(p));
                Result no = oursWithInput("no\n", c.toArray(new String[0]));
                assertThat(no.out()).contains("Can I set the above configuration? (type 'yes' to accept): ");
                assertThat(call(three.get(0).port(), "CLUSTER", "INFO")).contains("cluster_slots_assigned:0");
                Result noRedis = redisCliWithInput("no\n", c.toArray(new String[0]));
                assertThat(normalize(no.out(), ports(three))).isEqualTo(normalize(noRedis.out(), ports(three)));
                assertThat(no.exit()).isEqualTo(noRedis.exit());
            } finally {
                closeAll(three);
            }
        } finally {
            closeAll(a);
        }
    }

    @BothKinds
    void checkInfoCallHelpSetTimeoutSameAsRedisCli(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p = f.node(1).port();
            writeKeys(p, "k", 500);
            for (String[] args : List.of(
                    new String[] {"--cluster", "check", addr(p)},
                    new String[] {"--cluster", "check", "127.0.0.1", Integer.toString(p)},
                    new String[] {"--cluster", "check", addr(p), "--cluster-search-multiple-owners"},
                    new String[] {"--cluster", "info", addr(p)},
                    new String[] {"--cluster", "call", addr(p), "dbsize"},
                    new String[] {"--cluster", "call", addr(p), "config", "get", "cluster-node-timeout"},
                    new String[] {"--cluster", "call", addr(p), "cluster", "countkeysinslot", "1", "--cluster-only-masters"},
                    new String[] {"--cluster", "set-timeout", addr(p), "5000"},
                    new String[] {"--cluster", "set-timeout", addr(p), "50"},
                    new String[] {"--cluster", "check"},
                    new String[] {"--cluster", "nosuch", addr(p)},
                    new String[] {"--cluster", "check", "nocolon"},
                    new String[] {"--cluster", "add-node", addr(p)},
                    new String[] {"--cluster", "info", "127.0.0.1:1"})) {
                Result expected = redisCli(args);
                Result actual = ours(args);
                assertThat(actual.out()).as("stdout of %s", List.of(args)).isEqualTo(expected.out());
                assertThat(actual.exit()).as("exit of %s", List.of(args)).isEqualTo(expected.exit());
                assertThat(actual.err()).as("stderr of %s", List.of(args)).isEqualTo(expected.err());
            }
            // Help: redis-cli's text, then a note on our extra options.
            Result help = ours("--cluster", "help");
            Result redisHelp = redisCli("--cluster", "help");
            assertThat(help.out()).startsWith(redisHelp.out()).contains("--dry-run");
            assertThat(help.exit()).isEqualTo(redisHelp.exit());

            // An open slot: both report it the same way and fail.
            String importer = myId(f.node(2).port());
            call(f.node(0).port(), "CLUSTER", "SETSLOT", "12539", "IMPORTING", importer);
            call(f.node(0).port(), "CLUSTER", "SETSLOT", "7", "MIGRATING", importer);
            call(f.node(2).port(), "CLUSTER", "SETSLOT", "100", "IMPORTING", myId(f.node(0).port()));
            Result expected = redisCli("--cluster", "check", addr(p));
            Result actual = ours("--cluster", "check", addr(p));
            assertThat(actual.out()).isEqualTo(expected.out()).contains("[WARNING] The following slots are open:");
            assertThat(actual.exit()).isEqualTo(expected.exit()).isEqualTo(1);
        }
    }

    @BothKinds
    void addNodeReshardRebalanceDelNode(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            List<ServerProcess> extra = freshNodes(kind, 2);
            try {
                int p1 = f.node(0).port();
                Map<String, String> keys = writeKeys(p1, "key:", 20_000);
                int p4 = extra.get(0).port(), p5 = extra.get(1).port();
                List<Integer> all4 = List.of(p1, f.node(1).port(), f.node(2).port(), p4);

                Result add = ours("--cluster", "add-node", addr(p4), addr(p1));
                assertThat(add.exit()).as("%s", add).isZero();
                assertThat(add.out()).contains(">>> Adding node " + addr(p4) + " to cluster " + addr(p1),
                        ">>> Send CLUSTER MEET to node " + addr(p4) + " to make it join the cluster.",
                        "[OK] New node added correctly.");
                assertSettled(all4); // returned means joined: a reshard can start at once

                String target = myId(p4);
                String[] plan = {"--cluster", "reshard", addr(p1), "--cluster-from", "all", "--cluster-to", target,
                        "--cluster-slots", "2000"};
                Result planExpected = redisCliWithInput("no\n", plan);
                Result planActual = oursWithInput("no\n", plan);
                assertThat(planActual.out()).isEqualTo(planExpected.out()).contains("Do you want to proceed");
                assertThat(planActual.exit()).isEqualTo(planExpected.exit()).isEqualTo(1);

                List<String> yes = new ArrayList<>(List.of(plan));
                yes.add("--cluster-yes");
                Result reshard = ours(yes.toArray(new String[0]));
                assertThat(reshard.exit()).as("%s", reshard).isZero();
                long moving = reshard.out().lines().filter(l -> l.matches("Moving slot \\d+ from 127\\.0\\.0\\.1:\\d+ to "
                        + "127\\.0\\.0\\.1:" + p4 + ": \\.*")).count();
                assertThat(moving).isEqualTo(reshard.out().lines().filter(l -> l.startsWith("    Moving slot ")).count())
                        .isGreaterThan(1990);
                // Settled on return: redis-cli's own check passes at once.
                Result check = redisCli("--cluster", "check", addr(p1));
                assertThat(check.exit()).as("%s", check).isZero();
                assertThat(missingOrWrong(p1, keys)).isEmpty();

                // Rebalance: the plan as redis-cli simulates it, then for real.
                String[] sim = {"--cluster", "rebalance", addr(p1), "--cluster-simulate", "--cluster-threshold", "1"};
                Result simExpected = redisCli(sim);
                Result simActual = ours(sim);
                assertThat(simActual.out()).isEqualTo(simExpected.out()).contains(">>> Rebalancing across 4 nodes.");
                Result rebalance = ours("--cluster", "rebalance", addr(p1), "--cluster-threshold", "1");
                assertThat(rebalance.exit()).as("%s", rebalance).isZero();
                assertThat(rebalance.out()).contains(">>> Rebalancing across 4 nodes. Total weight = 4.00")
                        .containsPattern("Moving \\d+ slots from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:\\d+\n#+\n");
                for (int p : all4) {
                    int slots = (int) java.util.Arrays.stream(ClusterCliSupport.slotOwners(p1)).filter(o -> o == p).count();
                    assertThat(slots).as("slots of %d", p).isBetween(4096 - 41, 4096 + 41);
                }
                Result noMore = ours("--cluster", "rebalance", addr(p1), "--cluster-threshold", "1");
                assertThat(noMore.out()).contains("*** No rebalancing needed! All nodes are within the 1.00% threshold.");
                assertThat(missingOrWrong(p1, keys)).isEmpty();

                // A replica for node 4 (CLUSTER REPLICATE; both kinds).
                boolean replicas = true;
                List<Integer> all5 = new ArrayList<>(all4);
                if (replicas) {
                Result addReplica = ours("--cluster", "add-node", addr(p5), addr(p1), "--cluster-slave",
                        "--cluster-master-id", target);
                assertThat(addReplica.exit()).as("%s", addReplica).isZero();
                assertThat(addReplica.out()).contains(">>> Configure node as replica of " + addr(p4) + ".",
                        "[OK] New node added correctly.");
                all5.add(p5);
                assertSettled(all5);
                assertThat(ClusterCliSupport.myLine(p5)).contains("slave " + target);
                }

                // Empty node 4 and remove it: its replica moves to another master.
                int owned = (int) java.util.Arrays.stream(ClusterCliSupport.slotOwners(p1)).filter(o -> o == p4).count();
                Result away = ours("--cluster", "reshard", addr(p1), "--cluster-from", target, "--cluster-to", myId(p1),
                        "--cluster-slots", Integer.toString(owned), "--cluster-yes");
                assertThat(away.exit()).as("%s", away).isZero();
                Result del = ours("--cluster", "del-node", addr(p1), target);
                assertThat(del.exit()).as("%s", del).isZero();
                // (Emptied, node 4 may already have turned itself into a replica, and its replica
                // followed; otherwise del-node gives the replica another master.)
                assertThat(del.out()).startsWith(">>> Removing node " + target + " from cluster " + addr(p1) + "\n"
                        + ">>> Sending CLUSTER FORGET messages to the cluster...\n")
                        .endsWith(">>> Sending CLUSTER RESET SOFT to the deleted node.\n");
                assertThat(call(p4, "CLUSTER", "INFO")).contains("cluster_known_nodes:1\r\n");
                if (replicas) {
                    assertThat(ClusterCliSupport.myLine(p5)).containsAnyOf("slave " + myId(p1) + " ",
                            "slave " + myId(f.node(1).port()) + " ", "slave " + myId(f.node(2).port()) + " ");
                    List<Integer> rest = List.of(p1, f.node(1).port(), f.node(2).port(), p5);
                    assertSettled(rest);
                    Result delReplica = ours("--cluster", "del-node", addr(p1), myId(p5));
                    assertThat(delReplica.exit()).as("%s", delReplica).isZero();
                }
                assertSettled(List.of(p1, f.node(1).port(), f.node(2).port()));
                assertThat(missingOrWrong(p1, keys)).isEmpty();
                assertThat(ClusterCliSupport.totalKeys(List.of(p1, f.node(1).port(), f.node(2).port()))).isEqualTo(20_000);

                // Refusals, as redis-cli words them.
                for (String[] args : List.of(
                        new String[] {"--cluster", "del-node", addr(p1), "0000000000000000000000000000000000000000"},
                        new String[] {"--cluster", "del-node", addr(p1), myId(p1)},
                        new String[] {"--cluster", "reshard", addr(p1), "--cluster-to", "nosuchid", "--cluster-slots", "1",
                                "--cluster-from", "all", "--cluster-yes"})) {
                    Result e = redisCli(args);
                    Result a = ours(args);
                    assertThat(a.out()).as("%s", List.of(args)).isEqualTo(e.out());
                    assertThat(a.exit()).isEqualTo(e.exit()).isEqualTo(1);
                }
            } finally {
                closeAll(extra);
            }
        }
    }

    @BothKinds
    void backupAndImportLikeRedisCli(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3); ServerProcess source = ServerProcess.redis()) {
            int p = f.node(0).port();
            writeKeys(p, "b", 300);
            // Import from a standalone server: same lines as redis-cli (SCAN order), keys copied.
            try (var c = ClusterCliSupport.connect(source.port())) {
                for (int i = 0; i < 200; i++) c.call("SET", "imp:" + i, "x" + i);
                c.call("RPUSH", "implist", "a", "b");
            }
            String[] args = {"--cluster", "import", addr(p), "--cluster-from", addr(source.port()), "--cluster-copy"};
            Result actual = ours(args);
            assertThat(actual.exit()).as("%s", actual).isZero();
            assertThat(actual.out()).contains("*** Importing 201 keys from DB 0").containsPattern("Migrating imp:\\d+ to 127\\.0\\.0\\.1:\\d+: OK");
            Map<String, String> imported = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 200; i++) imported.put("imp:" + i, "x" + i);
            assertThat(missingOrWrong(p, imported)).isEmpty();
            // Same again: the keys exist now, both tools stop at the first one with the same error.
            Result again = ours(args);
            Result againRedis = redisCli(args);
            assertThat(again.out()).isEqualTo(againRedis.out()).contains("BUSYKEY");
            assertThat(again.exit()).isEqualTo(againRedis.exit());
            // With --cluster-replace they go through; compare the whole run with redis-cli's.
            List<String> replace = new ArrayList<>(List.of(args));
            replace.add("--cluster-replace");
            Result r1 = ours(replace.toArray(new String[0]));
            Result r2 = redisCli(replace.toArray(new String[0]));
            assertThat(r1.out()).isEqualTo(r2.out());
            assertThat(r1.exit()).isEqualTo(r2.exit()).isZero();
            assertThat(ours("--cluster", "import", addr(p)).err())
                    .isEqualTo("[ERR] Option '--cluster-from' is required for subcommand 'import'.\n");

            // Backup fetches each master's RDB with SYNC (Vermilion serves it since replication landed).
            Path ourDir = Files.createTempDirectory("backup-ours");
            Path theirDir = Files.createTempDirectory("backup-redis");
            try {
                Result backupExpected = redisCli("--cluster", "backup", addr(p), theirDir.toString());
                Result backupActual = ours("--cluster", "backup", addr(p), ourDir.toString());
                assertThat(backupActual.exit()).as("%s", backupActual).isEqualTo(backupExpected.exit()).isZero();
                assertThat(backupActual.out().replace(ourDir.toString(), "DIR")).isEqualTo(backupExpected.out().replace(theirDir.toString(), "DIR"));
                assertThat(backupActual.err().replace(ourDir.toString(), "DIR")).isEqualTo(backupExpected.err().replace(theirDir.toString(), "DIR"));
                assertThat(Files.readString(ourDir.resolve("nodes.json"))).isEqualTo(Files.readString(theirDir.resolve("nodes.json")));
                try (Stream<Path> s = Files.list(ourDir)) {
                    List<Path> rdbs = s.filter(x -> x.toString().endsWith(".rdb")).toList();
                    assertThat(rdbs).hasSize(3);
                    for (Path r : rdbs) {
                        assertThat(Files.readAllBytes(r)).startsWith("REDIS".getBytes());
                        assertThat(Files.size(r)).isEqualTo(Files.size(theirDir.resolve(r.getFileName())));
                    }
                }
            } finally {
                for (Path d : List.of(ourDir, theirDir)) {
                    try (Stream<Path> s = Files.walk(d)) {
                        s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                    }
                }
            }
        }
    }
}
