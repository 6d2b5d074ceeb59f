package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.assertSettled;
import static io.vermilion.cli.cluster.ClusterCliSupport.await;
import static io.vermilion.cli.cluster.ClusterCliSupport.call;
import static io.vermilion.cli.cluster.ClusterCliSupport.missingOrWrong;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.myLine;
import static io.vermilion.cli.cluster.ClusterCliSupport.ours;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCli;
import static io.vermilion.cli.cluster.ClusterCliSupport.writeAll;
import static io.vermilion.cli.cluster.ClusterCliSupport.writeKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Step 8 of the seed walkthrough: a slot move interrupted earlier leaves slot 12539 open, the
 * check reports it, and {@code add-node} stops there ("doesn't work"). Here the same happens,
 * then our CLI explains the problem, repairs it, adds the node and moves slots to it, without
 * losing a key.
 */
class SeedRecoveryIT {
    /** Slot of "key" (the walkthrough's {@code set key hello}); {@code {key}...} keys share it. */
    static final int SLOT = 12539;

    static Map<String, String> keysIn12539(int n) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) kv.put("{key}:" + i, "value-" + i);
        kv.put("key", "hello");
        return kv;
    }

    @BothKinds
    void interruptedMoveOfSlot12539IsReportedFixedAndTheNodeAdded(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3);
             ServerProcess fourth = ServerProcess.start(kind, Ports.free(), List.of("--cluster-enabled", "yes",
                     "--cluster-node-timeout", "5000"))) {
            int p1 = f.node(0).port(), p3 = f.node(2).port(), p4 = fourth.port();
            List<Integer> three = f.ports();
            Map<String, String> keys = new LinkedHashMap<>(writeKeys(p1, "key:", 5000));
            Map<String, String> hot = keysIn12539(20_000);
            writeAll(p1, hot);
            keys.putAll(hot);

            // The walkthrough's history: redis-cli moving slots 10923..12539 from 7003 to 7001,
            // stopped the hard way in the middle of slot 12539.
            Process mover = new ProcessBuilder(ClusterCliSupport.REDIS_CLI, "--cluster", "reshard", addr(p1),
                    "--cluster-from", myId(p3), "--cluster-to", myId(p1), "--cluster-slots", "1617", "--cluster-yes",
                    "--cluster-pipeline", "1").redirectOutput(new File("/dev/null")).redirectErrorStream(true).start();
            await("slot " + SLOT + " migrating", 120_000, () -> myLine(p3), l -> l.contains("[" + SLOT + "->-"));
            mover.destroyForcibly();
            assertThat(mover.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(myLine(p1)).contains("[" + SLOT + "-<-" + myId(p3) + "]");

            // check: the open slot, exactly as redis-cli reports it.
            Result check = ours("--cluster", "check", addr(p1));
            Result redisCheck = redisCli("--cluster", "check", addr(p1));
            assertThat(check.out()).isEqualTo(redisCheck.out())
                    .contains("[WARNING] Node " + addr(p1) + " has slots in importing state " + SLOT + ".")
                    .contains("[WARNING] Node " + addr(p3) + " has slots in migrating state " + SLOT + ".")
                    .contains("[WARNING] The following slots are open: " + SLOT + ".");
            assertThat(check.exit()).isEqualTo(1);

            // add-node: refused with an explanation and the command that repairs it.
            Result add = ours("--cluster", "add-node", addr(p4), addr(p1));
            assertThat(add.exit()).isEqualTo(1);
            assertThat(add.out()).contains("[WARNING] The following slots are open: " + SLOT + ".",
                    "*** The cluster has open slots, left behind by a slot migration that did not finish",
                    "***   slot " + SLOT + ": migrating on " + addr(p3) + " (to " + addr(p1) + "), importing on "
                            + addr(p1) + " (from " + addr(p3) + "), owned by " + addr(p3),
                    "***   vermilion-cli --cluster fix " + addr(p1) + " --dry-run",
                    "***   vermilion-cli --cluster fix " + addr(p1) + "\n");
            assertThat(call(p4, "CLUSTER", "INFO")).contains("cluster_known_nodes:1\r\n");

            // fix --dry-run: the plan, and nothing changes.
            Result dry = ours("--cluster", "fix", addr(p1), "--dry-run");
            assertThat(dry.exit()).isEqualTo(1);
            assertThat(dry.out()).contains(">>> Fixing open slot " + SLOT,
                    "*** Plan for slot " + SLOT + ": the move of slot " + SLOT + " from " + addr(p3) + " to " + addr(p1)
                            + " was interrupted", "Finish it", "*** Dry run: nothing changed.")
                    .doesNotContain(">>> Case 1");
            assertThat(myLine(p3)).contains("[" + SLOT + "->-");

            // fix: finishes the move; returns once all nodes agree.
            Result fix = ours("--cluster", "fix", addr(p1));
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(fix.out()).contains(">>> Case 1: Moving slot " + SLOT + " from " + addr(p3) + " to " + addr(p1),
                    "Moving slot " + SLOT + " from " + addr(p3) + " to " + addr(p1) + ": ");
            assertSettled(three);
            Result clean = redisCli("--cluster", "check", addr(p1));
            assertThat(clean.exit()).as("%s", clean).isZero();
            assertThat(clean.out()).doesNotContain("open:").doesNotContain("[WARNING]");
            assertThat(missingOrWrong(p1, keys)).isEmpty();

            // Now the walkthrough's add-node works, and the new master gets slots.
            Result added = ours("--cluster", "add-node", addr(p4), addr(p1));
            assertThat(added.exit()).as("%s", added).isZero();
            List<Integer> four = new ArrayList<>(three);
            four.add(p4);
            assertSettled(four);
            Result reshard = ours("--cluster", "reshard", addr(p1), "--cluster-from", "all", "--cluster-to", myId(p4),
                    "--cluster-slots", "4096", "--cluster-yes");
            assertThat(reshard.exit()).as("%s", reshard).isZero();
            assertThat(redisCli("--cluster", "check", addr(p1)).exit()).isZero();
            Result rebalance = ours("--cluster", "rebalance", addr(p1));
            assertThat(rebalance.exit()).as("%s", rebalance).isZero();
            assertThat(missingOrWrong(p1, keys)).isEmpty();
            assertThat(ClusterCliSupport.totalKeys(four)).isEqualTo(keys.size());
        }
    }

    /** The walkthrough's exact state: 12539 importing on 7001, nobody migrating it. */
    @BothKinds
    void importingLeftoverIsRolledBack(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3);
             ServerProcess fourth = ServerProcess.start(kind, Ports.free(), List.of("--cluster-enabled", "yes",
                     "--cluster-node-timeout", "5000"))) {
            int p1 = f.node(0).port(), p3 = f.node(2).port(), p4 = fourth.port();
            Map<String, String> keys = writeKeys(p1, "key:", 3000);
            keys.putAll(keysIn12539(100));
            writeAll(p1, keysIn12539(100));
            assertThat(call(p1, "CLUSTER", "SETSLOT", Integer.toString(SLOT), "IMPORTING", myId(p3))).isEqualTo("OK");

            Result add = ours("--cluster", "add-node", addr(p4), addr(p1));
            assertThat(add.exit()).isEqualTo(1);
            assertThat(add.out()).contains("[WARNING] Node " + addr(p1) + " has slots in importing state " + SLOT + ".",
                    "***   slot " + SLOT + ": importing on " + addr(p1) + " (from " + addr(p3) + "), owned by " + addr(p3),
                    "vermilion-cli --cluster fix " + addr(p1));

            Result fix = ours("--cluster", "fix", addr(p1));
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(fix.out()).contains("Set as importing in: " + addr(p1),
                    "*** Plan for slot " + SLOT + ": " + addr(p3) + " owns slot " + SLOT + " but " + addr(p1)
                            + " (0 keys) has it open for import with nobody migrating it",
                    ">>> Case 2: Moving all the " + SLOT + " slot keys to its owner " + addr(p3),
                    ">>> Setting " + SLOT + " as STABLE in " + addr(p1));
            assertThat(myLine(p1)).doesNotContain("[");
            assertSettled(f.ports());

            Result added = ours("--cluster", "add-node", addr(p4), addr(p1));
            assertThat(added.exit()).as("%s", added).isZero();
            Result reshard = ours("--cluster", "reshard", addr(p1), "--cluster-from", "all", "--cluster-to", myId(p4),
                    "--cluster-slots", "4096", "--cluster-yes");
            assertThat(reshard.exit()).as("%s", reshard).isZero();
            assertThat(missingOrWrong(p1, keys)).isEmpty();
        }
    }
}
