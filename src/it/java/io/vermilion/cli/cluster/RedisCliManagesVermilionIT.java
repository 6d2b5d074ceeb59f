package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.assertSettled;
import static io.vermilion.cli.cluster.ClusterCliSupport.await;
import static io.vermilion.cli.cluster.ClusterCliSupport.call;
import static io.vermilion.cli.cluster.ClusterCliSupport.missingOrWrong;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCli;
import static io.vermilion.cli.cluster.ClusterCliSupport.slotOwners;
import static io.vermilion.cli.cluster.ClusterCliSupport.totalKeys;
import static io.vermilion.cli.cluster.ClusterCliSupport.writeKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real redis-cli 7.0 as the manager of a Vermilion cluster, the other way round from the rest
 * of this package: {@code --cluster create}, {@code check}, {@code add-node}, {@code reshard},
 * {@code rebalance} (to even, then emptying a node by weight 0) and {@code del-node}, with every
 * key read back from the owner of its slot after each step that moves slots.
 */
class RedisCliManagesVermilionIT {
    private static final int KEYS = 20_000;

    private final List<ServerProcess> procs = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) p.close();
    }

    private int node() throws Exception {
        ServerProcess p = ServerProcess.start(ServerProcess.Kind.VERMILION, Ports.free(),
                List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "5000"));
        procs.add(p);
        return p.port();
    }

    /**
     * redis-cli returns from add-node and from MEETs before every node has heard of every other;
     * its next command would fail ("I don't know about node"). Wait (bounded) as a user would.
     */
    private static void awaitCheckOk(int port) throws Exception {
        await("redis-cli --cluster check to pass", 30_000, () -> redisCli("--cluster", "check", addr(port)), r -> r.exit() == 0);
    }

    private static void assertAllKeys(int port, Map<String, String> keys, List<Integer> masters) throws Exception {
        assertThat(missingOrWrong(port, keys)).isEmpty();
        assertThat(totalKeys(masters)).isEqualTo(keys.size());
        assertThat(Arrays.stream(slotOwners(port)).filter(o -> o == -1).count()).as("unowned slots").isZero();
    }

    private static long owned(int port, int owner) throws Exception {
        return Arrays.stream(slotOwners(port)).filter(o -> o == owner).count();
    }

    @Test
    void createCheckAddNodeReshardRebalanceDelNode() throws Exception {
        int p1 = node(), p2 = node(), p3 = node(), p4 = node();
        List<Integer> three = List.of(p1, p2, p3), four = List.of(p1, p2, p3, p4);

        Result create = redisCli("--cluster", "create", addr(p1), addr(p2), addr(p3), "--cluster-yes");
        assertThat(create.exit()).as("%s", create).isZero();
        assertThat(create.out()).contains("Master[0] -> Slots 0 - 5460", ">>> Sending CLUSTER MEET messages to join the cluster",
                "[OK] All nodes agree about slots configuration.\n", "[OK] All 16384 slots covered.\n");
        awaitCheckOk(p1);
        await("settled after create", 30_000, () -> { try { assertSettled(three); return true; } catch (AssertionError e) { return false; } }, ok -> ok);
        // redis-cli's create only waits for the nodes to know each other, not for cluster_state:ok.
        for (int p : three) {
            await("cluster_state:ok on " + p, 30_000, () -> call(p, "CLUSTER", "INFO"), i -> i.contains("cluster_state:ok\r\n"));
        }
        Map<String, String> keys = writeKeys(p1, "x:", KEYS);
        assertAllKeys(p1, keys, three);

        Result check = redisCli("--cluster", "check", addr(p2));
        assertThat(check.exit()).as("%s", check).isZero();
        assertThat(check.out()).contains(addr(p2) + " (", "keys | 5461 slots | 0 slaves.",
                "[OK] " + KEYS + " keys in 3 masters.", "[OK] All 16384 slots covered.\n").doesNotContain("[WARNING]");

        Result add = redisCli("--cluster", "add-node", addr(p4), addr(p1));
        assertThat(add.exit()).as("%s", add).isZero();
        assertThat(add.out()).contains("[OK] New node added correctly.");
        awaitCheckOk(p1);
        await("settled after add-node", 30_000, () -> { try { assertSettled(four); return true; } catch (AssertionError e) { return false; } }, ok -> ok);
        // The new node answers CLUSTERDOWN (also to MIGRATE's RESTORE-ASKING) until its own state
        // is ok, as real Redis does; redis-cli does not wait for that, a user would.
        for (int p : four) {
            await("cluster_state:ok on " + p, 30_000, () -> call(p, "CLUSTER", "INFO"), i -> i.contains("cluster_state:ok\r\n"));
        }

        String id4 = myId(p4);
        Result reshard = redisCli("--cluster", "reshard", addr(p1), "--cluster-from", "all", "--cluster-to", id4,
                "--cluster-slots", "2000", "--cluster-yes");
        assertThat(reshard.exit()).as("%s", reshard).isZero();
        assertThat(reshard.out()).doesNotContain("[ERR]");
        awaitCheckOk(p1);
        // redis-cli splits the 2000 among the sources with rounding: what it moved is what it printed.
        long moved = reshard.out().lines().filter(l -> l.matches("Moving slot \\d+ from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:" + p4 + ": .*")).count();
        assertThat(moved).isBetween(1990L, 2010L);
        assertThat(owned(p1, p4)).isEqualTo(moved);
        assertThat(Long.parseLong(call(p4, "DBSIZE"))).isGreaterThan(0);
        assertAllKeys(p1, keys, four);

        Result rebalance = redisCli("--cluster", "rebalance", addr(p1), "--cluster-threshold", "1");
        assertThat(rebalance.exit()).as("%s", rebalance).isZero();
        assertThat(rebalance.out()).contains(">>> Rebalancing across 4 nodes. Total weight = 4.00");
        awaitCheckOk(p1);
        for (int p : four) assertThat(owned(p1, p)).as("slots of %d", p).isBetween(4096L - 41, 4096L + 41);
        assertAllKeys(p1, keys, four);

        // Empty node 4 the redis-cli way (weight 0), then remove it.
        Result empty = redisCli("--cluster", "rebalance", addr(p1), "--cluster-weight", id4 + "=0");
        assertThat(empty.exit()).as("%s", empty).isZero();
        awaitCheckOk(p1);
        assertThat(owned(p1, p4)).isZero();
        assertThat(call(p4, "DBSIZE")).isEqualTo("0");
        assertAllKeys(p1, keys, three);

        Result del = redisCli("--cluster", "del-node", addr(p1), id4);
        assertThat(del.exit()).as("%s", del).isZero();
        assertThat(del.out()).contains(">>> Removing node " + id4 + " from cluster " + addr(p1),
                ">>> Sending CLUSTER RESET SOFT to the deleted node.");
        await("node 4 forgotten", 30_000, () -> { try { assertSettled(three); return true; } catch (AssertionError e) { return false; } }, ok -> ok);
        assertThat(call(p4, "CLUSTER", "INFO")).contains("cluster_known_nodes:1\r\n");
        Result last = redisCli("--cluster", "check", addr(p1));
        assertThat(last.exit()).as("%s", last).isZero();
        assertThat(last.out()).contains("[OK] " + KEYS + " keys in 3 masters.").doesNotContain(addr(p4));
        assertAllKeys(p1, keys, three);
    }
}
