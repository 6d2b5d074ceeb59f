package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.assertSettled;
import static io.vermilion.cli.cluster.ClusterCliSupport.await;
import static io.vermilion.cli.cluster.ClusterCliSupport.call;
import static io.vermilion.cli.cluster.ClusterCliSupport.missingOrWrong;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.ours;
import static io.vermilion.cli.cluster.ClusterCliSupport.oursWithInput;
import static io.vermilion.cli.cluster.ClusterCliSupport.slotOwners;
import static io.vermilion.cli.cluster.ClusterCliSupport.totalKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed walkthrough driven by OUR CLI only (vermilion-cli as a process; the real redis-cli is
 * never run) on Vermilion nodes started from seed-style config files: {@code --cluster create},
 * {@code -c} with its redirect lines, a crash by DEBUG SEGFAULT seen by the others, the restart
 * from the config file with the data back from the AOF, then growing the cluster with
 * {@code --cluster add-node} and {@code --cluster reshard}, and {@code --cluster check}. Every key
 * written at the start is read back through {@code -c}. Last, a replica joins with
 * {@code --cluster add-node --cluster-slave}, syncs, and takes its master's slots (and keys) over
 * when that master crashes.
 */
class OurCliSeedWalkthroughIT {
    private static final int KEYS = 2000;

    @TempDir
    Path tmp;

    private final List<ServerProcess> procs = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) p.close();
    }

    /** redis-&lt;port&gt;.conf as the walkthrough writes it. */
    private static Path writeConfig(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("redis-" + port + ".conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "cluster-enabled yes",
                "cluster-config-file nodes-" + port + ".conf",
                "cluster-node-timeout 5000",
                "appendonly yes",
                "pidfile " + dir.resolve("redis_" + port + ".pid"),
                "dbfilename dump-" + port + ".rdb",
                "enable-debug-command local",
                ""));
        return conf;
    }

    private ServerProcess startNode(Path dir, int port) throws IOException {
        // ServerProcess appends "--appendonly no" after the file; put the walkthrough's setting back.
        ServerProcess p = ServerProcess.start(ServerProcess.Kind.VERMILION, port, dir, dir.resolve("redis-" + port + ".conf"),
                List.of("--appendonly", "yes"));
        procs.add(p);
        return p;
    }

    private static String p(int port) {
        return Integer.toString(port);
    }

    /** The replies of a -c session, without the redirect notices. */
    private static List<String> replies(String out) {
        return out.lines().filter(l -> !l.startsWith("-> Redirected to slot [")).toList();
    }

    @Test
    void walkthroughWithOurCliOnly() throws Exception {
        long start = System.nanoTime();
        int[] ports = {Ports.free(), Ports.free(), Ports.free(), Ports.free()};
        Path[] dirs = new Path[4];
        for (int i = 0; i < 4; i++) {
            dirs[i] = tmp.resolve("n" + ports[i]);
            writeConfig(dirs[i], ports[i]);
        }
        ServerProcess[] nodes = new ServerProcess[4];
        for (int i = 0; i < 3; i++) nodes[i] = startNode(dirs[i], ports[i]);
        List<Integer> three = List.of(ports[0], ports[1], ports[2]);

        // Not formed yet: no slot is served.
        assertThat(ours("-p", p(ports[0]), "set", "1", "1").out()).isEqualTo("CLUSTERDOWN Hash slot not served\n\n");

        // Form it.
        Result create = ours("--cluster", "create", addr(ports[0]), addr(ports[1]), addr(ports[2]), "--cluster-yes");
        assertThat(create.exit()).as("%s", create).isZero();
        assertThat(create.out()).contains("Master[0] -> Slots 0 - 5460", "Master[1] -> Slots 5461 - 10922",
                "Master[2] -> Slots 10923 - 16383", ">>> Sending CLUSTER MEET messages to join the cluster",
                "[OK] All nodes agree about slots configuration.\n", "[OK] All 16384 slots covered.\n");
        assertSettled(three); // our create returns once every node agrees
        for (int port : three) {
            await("cluster_state:ok on " + port, 10_000, () -> ours("-p", p(port), "cluster", "info").out(),
                    o -> o.contains("cluster_state:ok\r\n"));
        }
        String[] ids = {myId(ports[0]), myId(ports[1]), myId(ports[2])};

        // ~2000 keys written through -c (each line goes wherever its slot lives).
        Map<String, String> keys = new LinkedHashMap<>();
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < KEYS; i++) {
            keys.put("wk:" + i, "val-" + i);
            sets.append("set wk:").append(i).append(" val-").append(i).append('\n');
        }
        Result wrote = oursWithInput(sets.toString(), "-c", "-p", p(ports[0]));
        assertThat(wrote.exit()).as("%s", wrote).isZero();
        assertThat(replies(wrote.out())).hasSize(KEYS).containsOnly("OK");
        assertThat(missingOrWrong(ports[0], keys)).isEmpty();

        // The seed's -c session, line for line.
        Result c = oursWithInput("set key hello\nset key2 world\nget key\nget key2\n", "-c", "-p", p(ports[0]));
        assertThat(c.out()).isEqualTo(
                "-> Redirected to slot [12539] located at 127.0.0.1:" + ports[2] + "\n" + "OK\n"
                + "-> Redirected to slot [4998] located at 127.0.0.1:" + ports[0] + "\n" + "OK\n"
                + "-> Redirected to slot [12539] located at 127.0.0.1:" + ports[2] + "\n" + "hello\n"
                + "-> Redirected to slot [4998] located at 127.0.0.1:" + ports[0] + "\n" + "world\n");
        assertThat(ours("-p", p(ports[0]), "get", "key").out()).isEqualTo("MOVED 12539 127.0.0.1:" + ports[2] + "\n\n");
        keys.put("key", "hello");
        keys.put("key2", "world");
        long before = totalKeys(three);
        assertThat(before).isEqualTo(KEYS + 2);
        long onFirst = Long.parseLong(call(ports[0], "DBSIZE"));
        assertThat(onFirst).isGreaterThan(0);

        // Crash node 0; the others report it failed.
        ours("-p", p(ports[0]), "debug", "segfault");
        ServerProcess crashed = nodes[0];
        await("node 0 to die", 10_000, crashed::isAlive, alive -> !alive);
        for (int i = 1; i < 3; i++) {
            int port = ports[i];
            await("cluster_state:fail on " + port, 15_000, () -> ours("-p", p(port), "cluster", "info").out(),
                    o -> o.contains("cluster_state:fail\r\n") && o.contains("cluster_slots_fail:5461\r\n"));
            assertThat(ours("-p", p(port), "cluster", "nodes").out()).containsPattern(ids[0] + " 127\\.0\\.0\\.1:"
                    + ports[0] + "@" + (ports[0] + 10000) + " master,fail - \\d+ \\d+ 1 disconnected 0-5460\n");
        }

        // Restart it from its config: same identity, its keys back from the AOF, ok everywhere.
        nodes[0] = startNode(dirs[0], ports[0]);
        assertThat(ours("-p", p(ports[0]), "cluster", "myid").out()).isEqualTo(ids[0] + "\n");
        assertThat(ours("-p", p(ports[0]), "dbsize").out()).isEqualTo(onFirst + "\n");
        assertThat(ours("-p", p(ports[0]), "get", "key2").out()).isEqualTo("world\n");
        for (int port : three) {
            await("cluster_state:ok again on " + port, 15_000, () -> ours("-p", p(port), "cluster", "info").out(),
                    o -> o.contains("cluster_state:ok\r\n") && o.contains("cluster_slots_ok:16384\r\n"));
        }
        assertThat(missingOrWrong(ports[0], keys)).isEmpty();

        // Grow: a fourth node, started from its own config file, then 1000 slots moved to it.
        nodes[3] = startNode(dirs[3], ports[3]);
        Result add = ours("--cluster", "add-node", addr(ports[3]), addr(ports[0]));
        assertThat(add.exit()).as("%s", add).isZero();
        assertThat(add.out()).contains(">>> Adding node " + addr(ports[3]) + " to cluster " + addr(ports[0]),
                "[OK] All nodes agree about slots configuration.\n", "[OK] All 16384 slots covered.\n",
                "[OK] New node added correctly.\n");
        List<Integer> four = List.of(ports[0], ports[1], ports[2], ports[3]);
        assertSettled(four);
        String id4 = myId(ports[3]);
        Result reshard = ours("--cluster", "reshard", addr(ports[0]), "--cluster-from", "all", "--cluster-to", id4,
                "--cluster-slots", "1000", "--cluster-yes");
        assertThat(reshard.exit()).as("%s", reshard).isZero();
        assertThat(reshard.out()).contains("Moving slot ");
        int[] owners = slotOwners(ports[0]);
        assertThat(Arrays.stream(owners).filter(o -> o == ports[3]).count()).isEqualTo(1000);
        assertThat(Arrays.stream(owners).filter(o -> o == -1).count()).isZero();

        Result check = ours("--cluster", "check", addr(ports[0]));
        assertThat(check.exit()).as("%s", check).isZero();
        assertThat(check.out()).contains("[OK] All nodes agree about slots configuration.\n", "[OK] All 16384 slots covered.\n")
                .doesNotContain("[ERR]").doesNotContain("[WARNING]");
        assertThat(Long.parseLong(call(ports[3], "DBSIZE"))).isGreaterThan(0);
        assertThat(totalKeys(four)).isEqualTo(before);

        // Every key, read back through -c from any node.
        StringBuilder gets = new StringBuilder();
        for (String k : keys.keySet()) gets.append("get ").append(k).append('\n');
        Result read = oursWithInput(gets.toString(), "-c", "-p", p(ports[1]));
        assertThat(read.exit()).as("%s", read).isZero();
        assertThat(replies(read.out())).containsExactlyElementsOf(keys.values());
        assertThat(read.out()).contains("-> Redirected to slot [").contains("located at 127.0.0.1:" + ports[3] + "\n");

        // Master-replica (SeedWalkthroughIT's failover step, with our CLI): a fifth node joins as
        // the replica of the master of "key" (add-node --cluster-slave --cluster-master-id), syncs
        // its data, that master crashes, and the replica takes its slots over with the data.
        long replicaStep = System.nanoTime();
        int keyMaster = slotOwners(ports[0])[12539];
        int mi = Arrays.stream(ports).boxed().toList().indexOf(keyMaster);
        String masterId = myId(keyMaster);
        int rport = Ports.free();
        Path rdir = tmp.resolve("n" + rport);
        writeConfig(rdir, rport);
        ServerProcess replica = startNode(rdir, rport);
        Result addReplica = ours("--cluster", "add-node", addr(rport), addr(ports[0]), "--cluster-slave",
                "--cluster-master-id", masterId);
        assertThat(addReplica.exit()).as("%s", addReplica).isZero();
        assertThat(addReplica.out()).contains(">>> Configure node as replica of " + addr(keyMaster) + ".",
                "[OK] New node added correctly.\n");
        String rid = myId(rport);
        for (int port : List.of(ports[0], ports[1], ports[2], ports[3], rport)) {
            await("the replica known as " + masterId + "'s replica by " + port, 30_000,
                    () -> call(port, "CLUSTER", "NODES"),
                    o -> o.lines().anyMatch(l -> l.startsWith(rid + " ") && l.split(" ")[2].contains("slave")
                            && l.split(" ")[3].equals(masterId)));
        }
        // Synced: "key" read from the replica itself (READONLY in a session of our CLI).
        await("the replica's copy of key", 30_000, () -> oursWithInput("readonly\nget key\n", "-p", p(rport)).out(),
                o -> o.equals("OK\nhello\n"));
        long onMaster = Long.parseLong(call(keyMaster, "DBSIZE"));
        await("the replica's DBSIZE", 30_000, () -> Long.parseLong(call(rport, "DBSIZE")), n -> n == onMaster);

        ours("-p", p(keyMaster), "debug", "segfault");
        await("the master of key to die", 10_000, nodes[mi]::isAlive, alive -> !alive);
        List<Integer> survivors = new ArrayList<>(four);
        survivors.remove(Integer.valueOf(keyMaster));
        survivors.add(rport);
        for (int port : survivors) {
            await("the replica promoted, cluster_state:ok on " + port, 30_000,
                    () -> call(port, "CLUSTER", "NODES") + call(port, "CLUSTER", "INFO"),
                    o -> o.contains("cluster_state:ok\r\n") && o.lines().anyMatch(l -> l.startsWith(rid + " ")
                            && l.split(" ")[2].contains("master")));
        }
        int[] after = slotOwners(survivors.get(0));
        for (int s = 0; s < after.length; s++) {
            if (owners[s] == keyMaster) assertThat(after[s]).as("owner of slot %d", s).isEqualTo(rport);
        }
        // Every key is still there (the crashed master's on the promoted replica), and it takes writes.
        assertThat(missingOrWrong(survivors.get(0), keys)).isEmpty();
        Result promoted = oursWithInput("get key\nset key promoted\nget key\n", "-c", "-p", p(survivors.get(0)));
        assertThat(promoted.out()).isEqualTo("-> Redirected to slot [12539] located at 127.0.0.1:" + rport + "\n"
                + "hello\nOK\npromoted\n");
        assertThat(replica.isAlive()).isTrue();
        System.out.println("[seed-cli] replica step (start, sync, crash, failover) "
                + (System.nanoTime() - replicaStep) / 1_000_000 + " ms of " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
