package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.call;
import static io.vermilion.cluster.ClusterAssert.cluster;
import static io.vermilion.cluster.ClusterAssert.error;
import static io.vermilion.cluster.ClusterAssert.info;
import static io.vermilion.cluster.ClusterAssert.infoLong;
import static io.vermilion.cluster.ClusterAssert.need;
import static io.vermilion.cluster.ClusterAssert.node;
import static io.vermilion.cluster.ClusterAssert.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vermilion.cluster.runtime.ClusterStartupException;
import io.vermilion.it.support.Ports;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.KeySpec;
import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * Several Vermilion nodes in this JVM, each on its own event loop, forming a cluster over real
 * TCP with CLUSTER commands: formation, routing (MOVED/ASK/CROSSSLOT/TRYAGAIN/CLUSTERDOWN),
 * slot migration, failure detection and recovery, nodes.conf persistence and locking, FORGET.
 * The node timeout is 1 s so failures are detected quickly.
 */
class InProcessClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final List<LocalNode> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (LocalNode n : started) n.close();
    }

    private LocalNode start(String name, String... extra) throws Exception {
        LocalNode n = LocalNode.start(tmp.resolve(name), Ports.free(), extra);
        started.add(n);
        addTestCommands(n);
        return n;
    }

    /**
     * Multi-key commands of other families are not needed to test routing: two tiny commands with
     * the key specs of MGET and DEL stand in for them.
     */
    private static void addTestCommands(LocalNode n) throws Exception {
        n.node().server().loop().submit(() -> {
            var t = n.node().server().commands();
            if (t.get("testmget") != null) return;
            t.add(CommandSpec.cmd("testmget", -2).flags(CommandSpec.Flag.READONLY)
                    .key(KeySpec.flags("RO ACCESS").index(1).range(-1, 1, 0))
                    .handler((c, argv) -> {
                        c.reply().array(argv.length - 1);
                        for (int i = 1; i < argv.length; i++) {
                            Object v = c.db().get(argv[i]);
                            if (v instanceof byte[] b) c.reply().bulk(b);
                            else c.reply().nullBulk();
                        }
                    }));
            t.add(CommandSpec.cmd("testdel", -2).flags(CommandSpec.Flag.WRITE)
                    .key(KeySpec.flags("RM DELETE").index(1).range(-1, 1, 0))
                    .handler((c, argv) -> {
                        long n1 = 0;
                        for (int i = 1; i < argv.length; i++) if (c.db().delete(argv[i])) n1++;
                        c.server().addDirty(n1);
                        c.reply().integer(n1);
                    }));
        }).sync();
    }

    private static String id(LocalNode n) {
        try (Jedis j = n.jedis()) {
            return j.clusterMyId();
        }
    }

    /** Slots split evenly, epochs 1..n, everyone meets the first node; waits for cluster_state:ok everywhere. */
    private static void form(List<LocalNode> nodes) {
        int per = HashSlot.SLOTS / nodes.size();
        for (int i = 0; i < nodes.size(); i++) {
            int start = i * per;
            int end = i == nodes.size() - 1 ? HashSlot.SLOTS - 1 : (i + 1) * per - 1;
            try (Jedis j = nodes.get(i).jedis()) {
                assertThat(cluster(j, "ADDSLOTSRANGE", Integer.toString(start), Integer.toString(end))).isEqualTo("OK");
                assertThat(cluster(j, "SET-CONFIG-EPOCH", Integer.toString(i + 1))).isEqualTo("OK");
            }
        }
        for (int i = 1; i < nodes.size(); i++) {
            try (Jedis j = nodes.get(i).jedis()) {
                assertThat(j.clusterMeet("127.0.0.1", nodes.get(0).port)).isEqualTo("OK");
            }
        }
        awaitOk(nodes, nodes.size());
    }

    private static void awaitOk(List<LocalNode> nodes, int known) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (LocalNode n : nodes) {
                try (Jedis j = n.jedis()) {
                    assertThat(info(j, "cluster_state")).as("state of %d", n.port).isEqualTo("ok");
                    assertThat(infoLong(j, "cluster_known_nodes")).isEqualTo(known);
                    List<ClusterNodeInfo> view = nodes(j);
                    assertThat(view).allSatisfy(v -> {
                        assertThat(v.hasFlag(NodeFlags.HANDSHAKE | NodeFlags.PFAIL | NodeFlags.FAIL)).isFalse();
                        assertThat(v.linkState()).isEqualTo(LinkState.CONNECTED);
                    });
                }
            }
        });
    }

    private static int ownerIndex(List<LocalNode> nodes, List<String> ids, int slot) {
        try (Jedis j = nodes.get(0).jedis()) {
            for (ClusterNodeInfo n : nodes(j)) {
                if (n.slotBitmap().get(slot)) return ids.indexOf(n.id());
            }
        }
        throw new AssertionError("slot " + slot + " has no owner");
    }

    @Test
    void formsAClusterAndRoutesRequests() throws Exception {
        List<LocalNode> ns = List.of(start("a"), start("b"), start("c"));
        form(ns);
        List<String> ids = ns.stream().map(InProcessClusterIT::id).toList();

        for (int i = 0; i < ns.size(); i++) {
            try (Jedis j = ns.get(i).jedis()) {
                assertThat(infoLong(j, "cluster_size")).isEqualTo(3);
                assertThat(infoLong(j, "cluster_slots_assigned")).isEqualTo(16384);
                assertThat(infoLong(j, "cluster_slots_ok")).isEqualTo(16384);
                assertThat(infoLong(j, "cluster_current_epoch")).isEqualTo(3);
                assertThat(infoLong(j, "cluster_my_epoch")).isEqualTo(i + 1);
                assertThat(infoLong(j, "cluster_stats_messages_ping_sent")).isPositive();
                assertThat(infoLong(j, "cluster_stats_messages_pong_received")).isPositive();
                assertThat(infoLong(j, "cluster_stats_messages_sent")).isPositive();
                // Everyone agrees on owners and epochs.
                for (int k = 0; k < ns.size(); k++) {
                    ClusterNodeInfo v = node(j, ids.get(k)).orElseThrow();
                    assertThat(v.configEpoch()).isEqualTo(k + 1);
                    assertThat(v.port()).isEqualTo(ns.get(k).port);
                    assertThat(v.cport()).isEqualTo(ns.get(k).port + 10000);
                    assertThat(v.ip()).isEqualTo("127.0.0.1");
                    assertThat(v.hasFlag(NodeFlags.MASTER)).isTrue();
                    assertThat(v.isMyself()).isEqualTo(k == i);
                }
            }
        }

        int slot = HashSlot.of("key".getBytes(StandardCharsets.US_ASCII));
        assertThat(slot).isEqualTo(12539);
        int owner = ownerIndex(ns, ids, slot);
        LocalNode other = ns.get((owner + 1) % 3);
        try (Jedis j = other.jedis()) {
            assertThat(error(j, "SET", "key", "hello")).isEqualTo("MOVED 12539 127.0.0.1:" + ns.get(owner).port);
            assertThat(error(j, "GET", "key")).isEqualTo("MOVED 12539 127.0.0.1:" + ns.get(owner).port);
            assertThat(error(j, "testmget", "key", "key2")).isEqualTo("CROSSSLOT Keys in request don't hash to the same slot");
            assertThat(j.clusterKeySlot("key")).isEqualTo(12539);
            assertThat(j.clusterKeySlot("{key}other")).isEqualTo(12539);
            assertThat(error(j, "SELECT", "1")).isEqualTo("ERR SELECT is not allowed in cluster mode");
            assertThat(call(j, "SELECT", "0")).isEqualTo("OK");
            assertThat(call(j, "READONLY")).isEqualTo("OK");
            assertThat(call(j, "READWRITE")).isEqualTo("OK");
            // Keyless commands are never redirected.
            assertThat(j.ping()).isEqualTo("PONG");
        }
        try (Jedis j = ns.get(owner).jedis()) {
            assertThat(j.set("key", "hello")).isEqualTo("OK");
            assertThat(j.set("{key}other", "x")).isEqualTo("OK");
            assertThat(call(j, "testmget", "key", "{key}other").toString()).isNotEmpty();
            assertThat(j.clusterCountKeysInSlot(12539)).isEqualTo(2);
            assertThat(new HashSet<>(j.clusterGetKeysInSlot(12539, 10))).containsExactlyInAnyOrder("key", "{key}other");
            assertThat(j.clusterGetKeysInSlot(12539, 1)).hasSize(1);
        }

        // CLUSTER SLOTS: three ranges, each with its master's address and id.
        try (Jedis j = ns.get(0).jedis()) {
            List<Object> slots = j.clusterSlots();
            assertThat(slots).hasSize(3);
            for (Object o : slots) {
                List<?> range = (List<?>) o;
                assertThat(range).hasSize(3);
                List<?> master = (List<?>) range.get(2);
                assertThat(new String((byte[]) master.get(0), StandardCharsets.UTF_8)).isEqualTo("127.0.0.1");
                assertThat(ids).contains(new String((byte[]) master.get(2), StandardCharsets.UTF_8));
            }
            assertThat(j.clusterShards()).hasSize(3);
        }

        // A cluster-aware client finds its way from CLUSTER SLOTS and MOVED replies.
        try (JedisCluster jc = new JedisCluster(new HostAndPort("127.0.0.1", ns.get(1).port))) {
            for (int k = 0; k < 200; k++) assertThat(jc.set("jc:" + k, "v" + k)).isEqualTo("OK");
            for (int k = 0; k < 200; k++) assertThat(jc.get("jc:" + k)).isEqualTo("v" + k);
        }
        long total = 0;
        for (LocalNode n : ns) {
            try (Jedis j = n.jedis()) {
                total += j.dbSize();
            }
        }
        assertThat(total).isEqualTo(200 + 2); // the 200 keys and "key", "{key}other", each on its owner
    }

    @Test
    void migratesASlotWithAskRedirectsAndEpochBump() throws Exception {
        List<LocalNode> ns = List.of(start("a"), start("b"), start("c"));
        form(ns);
        List<String> ids = ns.stream().map(InProcessClusterIT::id).toList();
        int slot = HashSlot.of("t".getBytes(StandardCharsets.US_ASCII));
        int src = ownerIndex(ns, ids, slot);
        int dst = (src + 1) % 3;
        LocalNode a = ns.get(src);
        LocalNode b = ns.get(dst);
        String s = Integer.toString(slot);

        try (Jedis ja = a.jedis(); Jedis jb = b.jedis()) {
            assertThat(ja.set("{t}a", "1")).isEqualTo("OK");
            assertThat(error(ja, "CLUSTER", "SETSLOT", s, "IMPORTING", ids.get(dst)))
                    .isEqualTo("ERR I'm already the owner of hash slot " + slot);
            assertThat(error(jb, "CLUSTER", "SETSLOT", s, "MIGRATING", ids.get(src)))
                    .isEqualTo("ERR I'm not the owner of hash slot " + slot);
            assertThat(cluster(jb, "SETSLOT", s, "IMPORTING", ids.get(src))).isEqualTo("OK");
            assertThat(cluster(ja, "SETSLOT", s, "MIGRATING", ids.get(dst))).isEqualTo("OK");
            assertThat(node(ja, ids.get(src)).orElseThrow().migrating()).containsEntry(slot, ids.get(dst));
            assertThat(node(jb, ids.get(dst)).orElseThrow().importing()).containsEntry(slot, ids.get(src));
            assertThat(ja.clusterNodes()).contains("[" + slot + "->-" + ids.get(dst) + "]");
            assertThat(jb.clusterNodes()).contains("[" + slot + "-<-" + ids.get(src) + "]");

            // Source: keys it has are served, missing ones are sent to the target with ASK.
            assertThat(ja.get("{t}a")).isEqualTo("1");
            assertThat(error(ja, "GET", "{t}b")).isEqualTo("ASK " + slot + " 127.0.0.1:" + b.port);
            assertThat(error(ja, "testmget", "{t}a", "{t}b")).isEqualTo("TRYAGAIN Multiple keys request during rehashing of slot");
            // Target: MOVED back without ASKING; served once after ASKING.
            assertThat(error(jb, "GET", "{t}b")).isEqualTo("MOVED " + slot + " 127.0.0.1:" + a.port);
            assertThat(call(jb, "ASKING")).isEqualTo("OK");
            assertThat(jb.set("{t}b", "2")).isEqualTo("OK");
            assertThat(error(jb, "GET", "{t}b")).startsWith("MOVED "); // ASKING lasts one command
            assertThat(call(jb, "ASKING")).isEqualTo("OK");
            assertThat(error(jb, "testmget", "{t}a", "{t}b")).isEqualTo("TRYAGAIN Multiple keys request during rehashing of slot");

            // Move the key the way MIGRATE would, then hand the slot over.
            assertThat(error(ja, "CLUSTER", "SETSLOT", s, "NODE", ids.get(dst))).isEqualTo("ERR Can't assign hashslot "
                    + slot + " to a different node while I still hold keys for this hash slot.");
            assertThat(call(ja, "testdel", "{t}a")).isEqualTo(1L);
            assertThat(call(jb, "ASKING")).isEqualTo("OK");
            assertThat(jb.set("{t}a", "1")).isEqualTo("OK");
            long epochBefore = infoLong(jb, "cluster_current_epoch");
            assertThat(cluster(jb, "SETSLOT", s, "NODE", ids.get(dst))).isEqualTo("OK");
            assertThat(cluster(ja, "SETSLOT", s, "NODE", ids.get(dst))).isEqualTo("OK");
            // The importer took a new epoch without consensus, so its claim wins everywhere.
            assertThat(node(jb, ids.get(dst)).orElseThrow().configEpoch()).isEqualTo(epochBefore + 1);
            assertThat(jb.get("{t}a")).isEqualTo("1");
            assertThat(jb.get("{t}b")).isEqualTo("2");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            for (LocalNode n : ns) {
                try (Jedis j = n.jedis()) {
                    ClusterNodeInfo owner = nodes(j).stream().filter(v -> v.slotBitmap().get(slot)).findFirst().orElseThrow(AssertionError::new);
                    assertThat(owner.id()).isEqualTo(ids.get(dst));
                    assertThat(j.clusterNodes()).doesNotContain("->-").doesNotContain("-<-");
                    assertThat(infoLong(j, "cluster_current_epoch")).isEqualTo(4);
                }
            }
        });
        try (Jedis j = ns.get((dst + 1) % 3).jedis()) {
            assertThat(error(j, "GET", "{t}a")).isEqualTo("MOVED " + slot + " 127.0.0.1:" + b.port);
        }
    }

    @Test
    void detectsAFailedMasterAndRecoversWhenItReturns() throws Exception {
        List<LocalNode> ns = List.of(start("a"), start("b"), start("c"));
        form(ns);
        String failedId = id(ns.get(2));
        LocalNode c = ns.get(2);
        long stoppedAt = System.nanoTime();
        c.stop();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (LocalNode n : ns.subList(0, 2)) {
                try (Jedis j = n.jedis()) {
                    ClusterNodeInfo v = need(j, failedId);
                    assertThat(v.hasFlag(NodeFlags.FAIL)).isTrue();
                    assertThat(v.linkState()).isEqualTo(LinkState.DISCONNECTED);
                    assertThat(info(j, "cluster_state")).isEqualTo("fail");
                }
            }
        });
        long ms = (System.nanoTime() - stoppedAt) / 1_000_000;
        System.out.println("in-process: FAIL agreed " + ms + " ms after the node stopped (node timeout 1000 ms)");
        try (Jedis j = ns.get(0).jedis()) {
            assertThat(infoLong(j, "cluster_slots_fail")).isEqualTo(16384 - 2 * (16384 / 3));
            assertThat(infoLong(j, "cluster_slots_ok")).isEqualTo(2 * (16384 / 3));
            assertThat(error(j, "GET", "key")).isEqualTo("CLUSTERDOWN The cluster is down");
            assertThat(j.clusterNodes()).contains("master,fail");
            assertThat(infoLong(j, "cluster_stats_messages_fail_sent") + infoLong(j, "cluster_stats_messages_fail_received"))
                    .isPositive();
        }
        c.restart();
        addTestCommands(c);
        assertThat(id(c)).isEqualTo(failedId);
        awaitOk(ns, 3);
    }

    @Test
    void configEpochCollisionIsResolved() throws Exception {
        List<LocalNode> ns = List.of(start("a"), start("b"));
        try (Jedis a = ns.get(0).jedis(); Jedis b = ns.get(1).jedis()) {
            cluster(a, "ADDSLOTSRANGE", "0", "8191");
            cluster(b, "ADDSLOTSRANGE", "8192", "16383");
            assertThat(b.clusterMeet("127.0.0.1", ns.get(0).port)).isEqualTo("OK");
        }
        // Both start at config epoch 0: the node with the smaller id moves on until they differ.
        await().atMost(WAIT).untilAsserted(() -> {
            Set<Long> epochs = new HashSet<>();
            try (Jedis a = ns.get(0).jedis()) {
                for (ClusterNodeInfo n : nodes(a)) epochs.add(n.configEpoch());
            }
            assertThat(epochs).hasSize(2);
        });
        awaitOk(ns, 2);
    }

    @Test
    void hostnamesTravelInPingExtensions() throws Exception {
        LocalNode a = start("a", "--cluster-announce-hostname", "host-a.test");
        LocalNode b = start("b", "--cluster-preferred-endpoint-type", "hostname");
        form(List.of(a, b));
        String aId = id(a);
        try (Jedis j = b.jedis()) {
            ClusterNodeInfo seen = need(j, aId);
            assertThat(seen.hostname()).isEqualTo("host-a.test");
            assertThat(j.clusterNodes()).contains(aId + " 127.0.0.1:" + a.port + "@" + (a.port + 10000) + ",host-a.test master");
            // Clients are sent to the hostname when it is the preferred endpoint (a owns 0-8191).
            String key = "k0";
            for (int i = 0; HashSlot.of(key.getBytes(StandardCharsets.US_ASCII)) >= 8192; i++) key = "k" + i;
            assertThat(error(j, "GET", key)).isEqualTo("MOVED " + HashSlot.of(key.getBytes(StandardCharsets.US_ASCII))
                    + " host-a.test:" + a.port);
        }
        try (Jedis j = a.jedis()) {
            assertThat(need(j, aId).hostname()).isEqualTo("host-a.test");
        }
    }

    @Test
    void nodesConfIsPersistedLockedAndValidated() throws Exception {
        LocalNode a = start("a");
        String myId = id(a);
        try (Jedis j = a.jedis()) {
            assertThat(cluster(j, "ADDSLOTSRANGE", "0", "99")).isEqualTo("OK");
            assertThat(cluster(j, "ADDSLOTS", "200")).isEqualTo("OK");
            assertThat(cluster(j, "SET-CONFIG-EPOCH", "9")).isEqualTo("OK");
            assertThat(error(j, "CLUSTER", "SET-CONFIG-EPOCH", "10")).isEqualTo("ERR Node config epoch is already non-zero");
            assertThat(cluster(j, "SAVECONFIG")).isEqualTo("OK");
        }
        String conf = Files.readString(a.dir.resolve("nodes.conf"));
        assertThat(conf).startsWith(myId + " :" + a.port + "@" + (a.port + 10000) + " myself,master - 0 0 9 connected 0-99 200\n")
                .endsWith("vars currentEpoch 9 lastVoteEpoch 0\n");
        NodesConfFile parsed = NodesConfFile.parse(conf);
        assertThat(parsed.myself().id()).isEqualTo(myId);

        // A second node on the same file is refused, with Redis's words.
        assertThatThrownBy(() -> LocalNode.start(a.dir, Ports.free()))
                .isInstanceOf(ClusterStartupException.class)
                .hasMessage("Sorry, the cluster configuration file nodes.conf is already used by a different Redis"
                        + " Cluster node. Please make sure that different nodes use different cluster configuration files.");

        // Restart: same identity, slots and epochs.
        a.restart();
        try (Jedis j = a.jedis()) {
            assertThat(j.clusterMyId()).isEqualTo(myId);
            assertThat(infoLong(j, "cluster_my_epoch")).isEqualTo(9);
            assertThat(infoLong(j, "cluster_current_epoch")).isEqualTo(9);
            assertThat(infoLong(j, "cluster_slots_assigned")).isEqualTo(101);
            assertThat(need(j, myId).slots()).containsExactly(new SlotRange(0, 99), SlotRange.single(200));
        }

        // A corrupt file stops the start with a clear message.
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("nodes.conf"), "this is not a cluster config\n");
        assertThatThrownBy(() -> LocalNode.start(bad, Ports.free()))
                .isInstanceOf(ClusterStartupException.class)
                .hasMessageStartingWith("Unrecoverable error: corrupted cluster config file.")
                .hasMessageContaining("line 1");
        // and the file name comes from cluster-config-file, resolved against dir
        LocalNode named = start("named", "--cluster-config-file", "nodes-x.conf");
        assertThat(named.dir.resolve("nodes-x.conf")).exists();
    }

    @Test
    void forgetBansTheNodeAndResetStartsOver() throws Exception {
        List<LocalNode> ns = List.of(start("a"), start("b"), start("c"));
        form(ns);
        String cId = id(ns.get(2));
        try (Jedis a = ns.get(0).jedis()) {
            assertThat(error(a, "CLUSTER", "FORGET", "0000000000000000000000000000000000000000"))
                    .isEqualTo("ERR Unknown node 0000000000000000000000000000000000000000");
            assertThat(error(a, "CLUSTER", "FORGET", a.clusterMyId())).isEqualTo("ERR I tried hard but I can't forget myself...");
            assertThat(cluster(a, "FORGET", cId)).isEqualTo("OK");
            assertThat(a.clusterNodes()).doesNotContain(cId);
            // b and c still gossip about c: the ban keeps it out.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> !a.clusterNodes().contains(cId));
            assertThat(infoLong(a, "cluster_known_nodes")).isEqualTo(2);
        }
        // RESET HARD on an empty master: alone again, new id, epochs zero.
        LocalNode solo = start("solo");
        try (Jedis j = solo.jedis()) {
            String before = j.clusterMyId();
            cluster(j, "ADDSLOTS", "1");
            cluster(j, "SET-CONFIG-EPOCH", "3");
            assertThat(error(j, "CLUSTER", "RESET", "MEDIUM")).isEqualTo("ERR syntax error");
            assertThat(cluster(j, "RESET", "HARD")).isEqualTo("OK");
            assertThat(j.clusterMyId()).isNotEqualTo(before);
            assertThat(infoLong(j, "cluster_current_epoch")).isZero();
            assertThat(infoLong(j, "cluster_slots_assigned")).isZero();
        }
    }

    @Test
    void downStateRules() throws Exception {
        LocalNode half = start("half", "--cluster-require-full-coverage", "no");
        LocalNode full = start("full");
        LocalNode reads = start("reads", "--cluster-allow-reads-when-down", "yes");
        for (LocalNode n : List.of(half, full, reads)) {
            try (Jedis j = n.jedis()) {
                cluster(j, "ADDSLOTSRANGE", "0", "8191");
                assertThat(error(j, "SET", "key", "1")).isEqualTo("CLUSTERDOWN Hash slot not served"); // 12539
            }
        }
        String low = lowKey();
        // Partial coverage is fine when full coverage is not required (after the 2 s writable delay).
        await().atMost(WAIT).until(() -> {
            try (Jedis j = half.jedis()) {
                return info(j, "cluster_state").equals("ok");
            }
        });
        try (Jedis j = half.jedis()) {
            assertThat(j.set(low, "v")).isEqualTo("OK");
        }
        try (Jedis j = full.jedis()) {
            assertThat(info(j, "cluster_state")).isEqualTo("fail");
            assertThat(error(j, "SET", low, "v")).isEqualTo("CLUSTERDOWN The cluster is down");
            assertThat(error(j, "GET", low)).isEqualTo("CLUSTERDOWN The cluster is down");
        }
        try (Jedis j = reads.jedis()) {
            assertThat(j.get(low)).isNull();
            assertThat(error(j, "SET", low, "v")).isEqualTo("CLUSTERDOWN The cluster is down and only accepts read commands");
        }
    }

    /** A key whose slot is in 0..8191. */
    private static String lowKey() {
        for (int i = 0; ; i++) {
            String k = "k" + i;
            if (HashSlot.of(k.getBytes(StandardCharsets.US_ASCII)) < 8192) return k;
        }
    }
}
