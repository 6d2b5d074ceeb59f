package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.assertSettled;
import static io.vermilion.cli.cluster.ClusterCliSupport.call;
import static io.vermilion.cli.cluster.ClusterCliSupport.missingOrWrong;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.myLine;
import static io.vermilion.cli.cluster.ClusterCliSupport.ours;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCli;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.ServerProcess;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * fix on states with keys where they should not be: an import left open on a node that holds keys
 * of the slot, and keys stranded on a node that does not own their slot. The keys end up on the
 * owner, readable, and the slot is closed.
 */
class FixIT {

    /** Writes keys of {@code slot} on a node that only imports it (as ASKed clients do). */
    static Map<String, String> writeOnImporter(int port, int slot, int n) throws Exception {
        Map<String, String> kv = new LinkedHashMap<>();
        String tag = InterruptIT.tagFor(slot);
        try (RespConnection c = ClusterCliSupport.connect(port)) {
            for (int i = 0; i < n; i++) {
                String k = "{" + tag + "}:" + i;
                c.call("ASKING");
                assertThat(c.call("SET", k, "v" + i).asString()).isEqualTo("OK");
                kv.put(k, "v" + i);
            }
        }
        return kv;
    }

    @BothKinds
    void importWithKeysIsGivenBackToTheOwner(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p1 = f.node(0).port(), p3 = f.node(2).port();
            int slot = 12539;
            call(p1, "CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", myId(p3));
            Map<String, String> stray = writeOnImporter(p1, slot, 50);

            Result dry = ours("--cluster", "fix", addr(p1), "--dry-run");
            assertThat(dry.out()).contains("*** Plan for slot " + slot + ": " + addr(p3) + " owns slot " + slot + " but "
                    + addr(p1) + " (50 keys) has it open for import with nobody migrating it",
                    "Roll back: move the keys found there back to " + addr(p3));
            assertThat(dry.exit()).isEqualTo(1);

            Result fix = ours("--cluster", "fix", addr(p1));
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(fix.out()).contains(">>> Case 2: Moving all the " + slot + " slot keys to its owner " + addr(p3),
                    "Moving slot " + slot + " from " + addr(p1) + " to " + addr(p3) + ": " + ".".repeat(50) + "\n",
                    ">>> Setting " + slot + " as STABLE in " + addr(p1));
            assertThat(myLine(p1)).doesNotContain("[");
            assertThat(call(p1, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo("0");
            assertThat(missingOrWrong(p1, stray)).isEmpty();
            assertSettled(f.ports());
        }
    }

    @BothKinds
    void strandedKeysOfAnotherOwnerAreMoved(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p1 = f.node(0).port(), p2 = f.node(1).port(), p3 = f.node(2).port();
            int slot = 12182;
            call(p2, "CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", myId(p3));
            Map<String, String> stray = writeOnImporter(p2, slot, 20);
            call(p2, "CLUSTER", "SETSLOT", Integer.toString(slot), "STABLE");
            // The owner has more keys of the slot, so it stays the owner (the one with most keys wins).
            Map<String, String> owned = new LinkedHashMap<>();
            for (int i = 0; i < 30; i++) owned.put("{" + InterruptIT.tagFor(slot) + "}:own" + i, "o" + i);
            ClusterCliSupport.writeAll(p1, owned);
            stray.putAll(owned);
            // Nothing is open any more: only the multiple-owners search sees it.
            assertThat(ours("--cluster", "check", addr(p1)).exit()).isZero();
            Result check = ours("--cluster", "check", addr(p1), "--cluster-search-multiple-owners");
            assertThat(check.out()).isEqualTo(redisCli("--cluster", "check", addr(p1), "--cluster-search-multiple-owners").out())
                    .contains("[WARNING] Slot " + slot + " has 2 owners:");
            assertThat(check.exit()).isEqualTo(1);

            // redis-cli's fix stops at MIGRATE (the stranded node is redirected); ours moves the keys.
            Result fix = ours("--cluster", "fix", addr(p1), "--cluster-search-multiple-owners");
            assertThat(fix.exit()).as("%s", fix).isZero();
            assertThat(fix.out()).contains(">>> Fixing multiple owners for slot " + slot + "...",
                    "Moving slot " + slot + " from " + addr(p2) + " to " + addr(p3) + ": " + ".".repeat(20),
                    "[OK] No multiple owners found.");
            assertThat(call(p2, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo("0");
            assertThat(missingOrWrong(p1, stray)).isEmpty();
            Result after = redisCli("--cluster", "check", addr(p1), "--cluster-search-multiple-owners");
            assertThat(after.exit()).as("%s", after).isZero();
        }
    }
}
