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
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Moves that do not go to the end: Ctrl-C (SIGINT) and SIGTERM finish the slots in progress and
 * stop; kill -9 of the tool, a target node dying, and a key too big for the target leave slots
 * open but consistent, say so, and {@code fix} closes them. No key is lost in any case.
 */
class InterruptIT {

    /** A hash tag whose keys land in {@code slot}. */
    static String tagFor(int slot) {
        for (int i = 0; ; i++) {
            String t = "t" + i;
            if (HashSlot.of(t.getBytes(StandardCharsets.UTF_8)) == slot) return t;
        }
    }

    static Map<String, String> slotKeys(int slot, int n) {
        String tag = tagFor(slot);
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) kv.put("{" + tag + "}:" + i, "value-" + i);
        return kv;
    }

    record Setup(ClusterFixture cluster, ServerProcess fourth, Map<String, String> keys, int hotSlot) {}

    /**
     * Three masters plus an empty fourth joined by our add-node; keys everywhere and many in the
     * first slot a reshard to the fourth will move (the lowest slot of the biggest master).
     */
    static Setup setup(ServerProcess.Kind kind, String... nodeArgs) throws Exception {
        ClusterFixture f = ClusterFixture.start(kind, 3, nodeArgs);
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "5000"));
        args.addAll(List.of(nodeArgs));
        ServerProcess fourth = ServerProcess.start(kind, Ports.free(), args);
        int p1 = f.node(0).port();
        Result add = ours("--cluster", "add-node", addr(fourth.port()), addr(p1));
        assertThat(add.exit()).as("%s", add).isZero();
        Map<String, String> keys = new LinkedHashMap<>(writeKeys(p1, "key:", 5000));
        int hot = 5461; // first slot of the second master, which has the most slots (5462)
        Map<String, String> hotKeys = slotKeys(hot, 100_000);
        writeAll(p1, hotKeys);
        keys.putAll(hotKeys);
        return new Setup(f, fourth, keys, hot);
    }

    static List<Integer> all(Setup s) {
        List<Integer> p = new ArrayList<>(s.cluster().ports());
        p.add(s.fourth().port());
        return p;
    }

    static Process startReshard(Setup s, Path out, Path err, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--cluster", "reshard", addr(s.cluster().node(0).port()),
                "--cluster-from", "all", "--cluster-to", myId(s.fourth().port()), "--cluster-slots", "4096",
                "--cluster-yes", "--cluster-pipeline", "10"));
        args.addAll(List.of(extra));
        return ClusterCliSupport.startOurs(out, err, args.toArray(new String[0]));
    }

    static void awaitMigrating(int sourcePort, int slot) throws Exception {
        await("slot " + slot + " migrating", 60_000, () -> myLine(sourcePort), l -> l.contains("[" + slot + "->-"));
    }

    private static void signalFinishesTheSlot(ServerProcess.Kind kind, String signal) throws Exception {
        Setup s = setup(kind);
        Path dir = Files.createTempDirectory("interrupt");
        try (ClusterFixture f = s.cluster(); ServerProcess fourth = s.fourth()) {
            int p1 = f.node(0).port(), p2 = f.node(1).port();
            Process p = startReshard(s, dir.resolve("out"), dir.resolve("err"));
            awaitMigrating(p2, s.hotSlot());
            ClusterCliSupport.signal(p, signal);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(dir.resolve("out")), err = Files.readString(dir.resolve("err"));
            assertThat(p.exitValue()).as("exit; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(130);
            assertThat(err).contains("*** Interrupted: finishing");
            assertThat(out).contains("*** Resharding interrupted:", "*** No slot is left open.");
            // The slot in progress was finished, not abandoned: the fourth master owns it.
            assertThat(ClusterCliSupport.slotOwners(p1)[s.hotSlot()]).isEqualTo(fourth.port());
            Result check = redisCli("--cluster", "check", addr(p1));
            assertThat(check.exit()).as("%s", check).isZero();
            assertSettled(all(s));
            assertThat(missingOrWrong(p1, s.keys())).isEmpty();
        }
    }

    @BothKinds
    void ctrlCFinishesTheSlotInProgress(ServerProcess.Kind kind) throws Exception {
        signalFinishesTheSlot(kind, "INT");
    }

    @BothKinds
    void sigtermFinishesTheSlotInProgress(ServerProcess.Kind kind) throws Exception {
        signalFinishesTheSlot(kind, "TERM");
    }

    @BothKinds
    void killDashNineLeavesOpenSlotsThatFixCloses(ServerProcess.Kind kind) throws Exception {
        Setup s = setup(kind);
        Path dir = Files.createTempDirectory("interrupt");
        try (ClusterFixture f = s.cluster(); ServerProcess fourth = s.fourth()) {
            int p1 = f.node(0).port(), p2 = f.node(1).port();
            Process p = startReshard(s, dir.resolve("out"), dir.resolve("err"));
            awaitMigrating(p2, s.hotSlot());
            p.destroyForcibly(); // SIGKILL: nothing can be finished
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Result check = ours("--cluster", "check", addr(p1));
            assertThat(check.exit()).isEqualTo(1);
            assertThat(check.out()).contains("[WARNING] The following slots are open:");

            Result fix = ours("--cluster", "fix", addr(p1));
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(fix.out()).contains(">>> Case 1: Moving slot " + s.hotSlot());
            Result after = redisCli("--cluster", "check", addr(p1));
            assertThat(after.exit()).as("%s", after).isZero();
            assertSettled(all(s));
            assertThat(missingOrWrong(p1, s.keys())).isEmpty();
        }
    }

    /**
     * The target dies in the middle of a slot: the tool stops, says which slot is open and why,
     * and prints the fix command; once the node is back (with its data: AOF), fix finishes it.
     */
    @BothKinds
    void targetDyingLeavesTheSlotOpenUntilFix(ServerProcess.Kind kind) throws Exception {
        // fsync before every reply: with everysec Redis may acknowledge a RESTORE up to two seconds
        // before writing it, and a node killed then loses keys MIGRATE has already deleted.
        Setup s = setup(kind, "--appendonly", "yes", "--appendfsync", "always");
        Path dir = Files.createTempDirectory("interrupt");
        ServerProcess restarted = null;
        try (ClusterFixture f = s.cluster(); ServerProcess fourth = s.fourth()) {
            int p1 = f.node(0).port(), p2 = f.node(1).port(), p4 = fourth.port();
            Process p = startReshard(s, dir.resolve("out"), dir.resolve("err"));
            awaitMigrating(p2, s.hotSlot());
            fourth.kill();
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(dir.resolve("out"));
            assertThat(p.exitValue()).as("stdout:%n%s", out).isEqualTo(1);
            assertThat(out).contains("*** Slot " + s.hotSlot() + " could not be moved from " + addr(p2) + " to " + addr(p4),
                    "*** These slots are left open",
                    "slot " + s.hotSlot() + ": migrating on " + addr(p2) + ", importing on " + addr(p4),
                    "close them with: vermilion-cli --cluster fix " + addr(p1));

            restarted = ServerProcess.start(kind, p4, fourth.dir(), null, List.of("--cluster-enabled", "yes",
                    "--cluster-node-timeout", "5000", "--appendonly", "yes", "--appendfsync", "always"));
            await("the restarted node back in the cluster", 60_000, () -> call(p1, "CLUSTER", "NODES"),
                    n -> n.lines().noneMatch(l -> l.contains("fail")));
            Result fix = ours("--cluster", "fix", addr(p1));
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(redisCli("--cluster", "check", addr(p1)).exit()).isZero();
            assertThat(missingOrWrong(p1, s.keys())).isEmpty();
        } finally {
            if (restarted != null) restarted.close();
        }
    }

    /**
     * A value bigger than the target accepts (proto-max-bulk-len): the other slots are moved, the
     * key's slot stays open with the key named; with the limit raised, fix finishes it.
     */
    @BothKinds
    void keyTooBigIsNamedAndTheSlotFinishedLater(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3);
             ServerProcess fourth = ServerProcess.start(kind, Ports.free(), List.of("--cluster-enabled", "yes",
                     "--cluster-node-timeout", "5000"))) {
            int p1 = f.node(0).port(), p4 = fourth.port();
            assertThat(ours("--cluster", "add-node", addr(p4), addr(p1)).exit()).isZero();
            Map<String, String> keys = writeKeys(p1, "key:", 2000);
            String big = "{" + tagFor(0) + "}:big";
            byte[] value = new byte[3 * 1024 * 1024];
            new java.util.Random(7).nextBytes(value); // random: the RDB payload must not compress below the limit
            int owner0 = ClusterCliSupport.slotOwners(p1)[0];
            try (RespConnection c = ClusterCliSupport.connect(owner0)) {
                assertThat(c.call("SET".getBytes(), big.getBytes(), value).asString()).isEqualTo("OK");
            }
            call(p4, "CONFIG", "SET", "proto-max-bulk-len", "1mb");
            Result r = ours("--cluster", "reshard", addr(p1), "--cluster-from", myId(owner0), "--cluster-to", myId(p4),
                    "--cluster-slots", "100", "--cluster-yes");
            assertThat(r.exit()).as("%s", r).isEqualTo(1);
            assertThat(r.out()).contains("*** Slot 0 could not be moved from " + addr(owner0) + " to " + addr(p4)
                            + ": key '" + big + "'", "could not be migrated",
                    "slot 0: migrating on " + addr(owner0) + ", importing on " + addr(p4));
            // Only the slot with the big key is open; the other 99 moved.
            Result check = ours("--cluster", "check", addr(p1));
            assertThat(check.out()).contains("[WARNING] The following slots are open: 0.");
            int[] owners = ClusterCliSupport.slotOwners(p1);
            for (int slot = 1; slot < 100; slot++) assertThat(owners[slot]).as("slot %d", slot).isEqualTo(p4);
            // Clients still see every key, through ASK if needed.
            assertThat(call(owner0, "STRLEN", big)).isEqualTo(Integer.toString(value.length));

            call(p4, "CONFIG", "SET", "proto-max-bulk-len", "512mb");
            Result fix = ours("--cluster", "fix", addr(p1));
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(redisCli("--cluster", "check", addr(p1)).exit()).isZero();
            assertThat(call(p4, "STRLEN", big)).isEqualTo(Integer.toString(value.length));
            assertThat(missingOrWrong(p1, keys)).isEmpty();
        }
    }
}
