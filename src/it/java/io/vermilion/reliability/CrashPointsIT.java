package io.vermilion.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.reliability.KillLoop.Checks;
import io.vermilion.reliability.KillLoop.Figures;
import io.vermilion.reliability.KillLoop.Ledger;
import io.vermilion.reliability.KillLoop.Loop;
import io.vermilion.reliability.KillLoop.Writer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 1: kill -9 at every moment of persistence, {@link KillLoop#kills()} times per
 * point (20 in CI), under a pipelined writer with appendfsync always; after every kill the node
 * restarts with every acknowledged write and its files pass vermilion-check-aof/-rdb and the real
 * redis-check-aof/-rdb. The points:
 * <ul>
 *   <li>BGREWRITEAOF while the new base is written, and BGSAVE: at random moments of a save
 *       slowed by Redis's testing knob {@code rdb-key-save-delay}; only kills seen inside the
 *       save ({@code INFO persistence}) count;</li>
 *   <li>named steps of the rewrite, stopped at deterministically by
 *       {@link io.vermilion.util.CrashPoint} ({@code -Dvermilion.crashpoint=NAME} on the node's
 *       JVM; the test kills on seeing the point's log line): {@code aof-base-written} (the new
 *       base complete in its temp file), {@code aof-manifest-written} (the manifest replaced, the
 *       history not yet removed), {@code aof-incr-renamed} (turning the AOF on: the temp incr got
 *       its final name, the manifest does not name it yet);</li>
 *   <li>a full sync: master or replica killed at a random moment while the replica receives or
 *       loads the snapshot (disk and diskless syncs); the master restarts with every
 *       acknowledged write, the replica restarts, loads its dump.rdb and resyncs, and at the end
 *       holds exactly the master's data;</li>
 *   <li>nodes.conf writes ({@link NodesConfCrash}).</li>
 * </ul>
 * The loops run three at a time ({@code -Dcrash.parallel}). Long run:
 * {@code mvn -B -ntp verify -Dit.test=CrashPointsIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcrash.kills=200 -Dcrash.points=all} ({@code all} adds the other steps of
 * {@link io.vermilion.util.CrashPoint}).
 */
class CrashPointsIT {
    static final List<String> CI_POINTS = List.of("aof-base-written", "aof-manifest-written", "aof-incr-renamed");
    static final List<String> ALL_POINTS = List.of("aof-base-written", "aof-manifest-written", "aof-incr-renamed",
            "aof-incr-opened", "aof-manifest-temp-written:1", "aof-base-renamed", "aof-manifest-temp-written:2");
    /** Microseconds per key while saving (Redis's rdb-key-save-delay). */
    private static final int KEY_SAVE_DELAY_US = 100;
    private static final int SLOW_PRELOAD = 3000;
    private static final int SLOW_WRITE_KEYS = 1000;
    /** About how long a save of the slowed dataset takes. */
    private static final long SAVE_MILLIS = (long) (SLOW_PRELOAD + SLOW_WRITE_KEYS) * KEY_SAVE_DELAY_US / 1000;

    static List<String> points() {
        return "all".equals(System.getProperty("crash.points")) ? ALL_POINTS : CI_POINTS;
    }

    @Test
    void killAtEveryPointOfPersistence() throws Exception {
        int n = KillLoop.kills();
        List<Loop> loops = new ArrayList<>();
        // The longest first, so that the two lanes end together.
        loops.add(() -> fullSync(n));
        loops.add(() -> randomInSave("BGREWRITEAOF", n, 1));
        loops.add(() -> randomInSave("BGSAVE", n, 2));
        long seed = 10;
        for (String p : points()) {
            long s = seed++;
            loops.add(() -> atPoint(p, n, s));
        }
        loops.add(() -> NodesConfCrash.run(n));
        List<Figures> figures = KillLoop.runAll("CrashPointsIT", loops);
        for (Figures f : figures) {
            assertThat(f.inside()).as("kills inside the window of %s", f.point()).isGreaterThanOrEqualTo(n);
            assertThat(f.lost()).isZero();
        }
    }

    private static Path dir(String what) throws IOException {
        return Files.createTempDirectory("vermilion-it-crash-" + what.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-");
    }

    // ================================================================== random moments of a save

    /** kill -9 at random moments of BGREWRITEAOF or BGSAVE, until {@code n} kills landed inside the save. */
    static Figures randomInSave(String command, int n, long seed) throws Exception {
        long t0 = System.nanoTime();
        Path dir = dir(command);
        Ledger ledger = new Ledger();
        Random rnd = new Random(seed);
        String field = command.equals("BGSAVE") ? "rdb_bgsave_in_progress:1" : "aof_rewrite_in_progress:1";
        Checks checks = new Checks();
        int kills = 0, inside = 0;
        while (inside < n) {
            assertThat(kills).as("%s: kills that missed the save", command).isLessThan(3 * n);
            ServerProcess v = KillLoop.start(dir, 0, null,
                    KillLoop.aofArgs("--rdb-key-save-delay", Integer.toString(KEY_SAVE_DELAY_US)));
            try {
                try (RespConnection c = KillLoop.connect(v)) {
                    if (kills == 0) ledger.preload(c, "pre:", SLOW_PRELOAD); // the first cycle's node makes the dataset
                    ledger.verify(c, command + " kill " + kills);
                }
                Writer w = ledger.writer(v, SLOW_WRITE_KEYS);
                w.awaitAcks(50);
                try (RespConnection c = KillLoop.connect(v)) {
                    Reply r = c.call(command);
                    assertThat(r.isError()).as("%s: %s", command, r).isFalse();
                    // A random moment of the save (random, not a wait for a condition).
                    Thread.sleep((long) (rnd.nextDouble() * SAVE_MILLIS * 0.9));
                    if (KillLoop.info(c, "persistence").contains(field)) inside++;
                }
                v.kill();
                kills++;
                w.join();
            } finally {
                v.kill();
            }
            checks.copyAndCheck(dir, true, command + " kill " + kills);
        }
        try (ServerProcess v = KillLoop.start(dir, 0, null, KillLoop.aofArgs()); RespConnection c = KillLoop.connect(v)) {
            ledger.verify(c, command + " end");
        }
        checks.await();
        KillLoop.deleteTree(dir);
        return new Figures(command + " (random moment)", kills, inside, ledger.total(), 0, (System.nanoTime() - t0) / 1e9);
    }

    // ================================================================== named steps of the rewrite

    static Figures atPoint(String point, int n, long seed) throws Exception {
        long t0 = System.nanoTime();
        Path dir = dir(point);
        Ledger ledger = new Ledger();
        Random rnd = new Random(seed);
        String name = point.replaceAll(":.*", "");
        boolean turnOn = name.equals("aof-incr-renamed");
        // The dataset, made by a node without the crash point (some points are reached at a first start).
        try (ServerProcess v = KillLoop.start(dir, 0, null, KillLoop.aofArgs()); RespConnection c = KillLoop.connect(v)) {
            ledger.preload(c, "pre:", 500);
        }
        Checks checks = new Checks();
        int kills = 0;
        for (int cycle = 0; cycle < n; cycle++) {
            ServerProcess v = KillLoop.start(dir, 0, point, KillLoop.aofArgs());
            try {
                try (RespConnection c = KillLoop.connect(v)) {
                    ledger.verify(c, "kill at " + point);
                }
                Writer w = ledger.writer(v, 300);
                w.awaitAcks(20);
                try (RespConnection c = KillLoop.connect(v)) {
                    if (turnOn) {
                        // Writes while the AOF is off (and until the rewrite that turns it on ends)
                        // are not promised to survive: not counted from here on.
                        ledger.credit = false;
                        c.callChecked("CONFIG", "SET", "appendonly", "no");
                        c.send("CONFIG", "SET", "appendonly", "yes");
                    } else {
                        // The reply may never come: some points are inside BGREWRITEAOF itself.
                        c.send("BGREWRITEAOF");
                    }
                    c.flush();
                    KillLoop.awaitLog(v, "CRASHPOINT " + name + " reached", 20_000);
                    // Points on the snapshot writer leave the event loop serving the writer: a
                    // random few ms more of it.
                    Thread.sleep(rnd.nextInt(15));
                }
                v.kill();
                kills++;
                w.join();
                ledger.credit = true;
            } finally {
                v.kill();
            }
            checks.copyAndCheck(dir, true, "kill at " + point);
        }
        try (ServerProcess v = KillLoop.start(dir, 0, null, KillLoop.aofArgs()); RespConnection c = KillLoop.connect(v)) {
            ledger.verify(c, point + " end");
        }
        checks.await();
        KillLoop.deleteTree(dir);
        return new Figures(point + " (crash point)", kills, kills, ledger.total(), 0, (System.nanoTime() - t0) / 1e9);
    }

    // ================================================================== full sync

    private static List<String> masterArgs(boolean diskless) {
        return KillLoop.aofArgs("--rdb-key-save-delay", Integer.toString(KEY_SAVE_DELAY_US), "--repl-diskless-sync",
                diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0");
    }

    private static ServerProcess replica(Path dir, int masterPort) throws IOException {
        return KillLoop.start(dir, 0, null, List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort),
                "--dbfilename", "dump.rdb"));
    }

    private static boolean syncing(RespConnection replica) throws IOException {
        return KillLoop.info(replica, "replication").contains("master_sync_in_progress:1");
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r\n")) if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1));
        return -1;
    }

    /**
     * A master (AOF, appendfsync always, writer running) and its replica; each cycle waits for a
     * full sync (the previous restart causes one: a restarted master has a new replication id, a
     * replica killed mid-transfer has nothing newer than an older sync) and kills one of the two
     * at a random moment of it.
     */
    static Figures fullSync(int n) throws Exception {
        long t0 = System.nanoTime();
        Path mdir = dir("fullsync-master");
        Path rdir = dir("fullsync-replica");
        Ledger ledger = new Ledger();
        Random rnd = new Random(3);
        int mport = Ports.free();
        Checks checks = new Checks();
        int kills = 0, inside = 0, masterKills = 0, replicaKills = 0, replicaLoads = 0, afterSync = 0;
        ServerProcess m = KillLoop.start(mdir, mport, null, masterArgs(false));
        ServerProcess r = null;
        RespConnection rc = null;
        try {
            try (RespConnection c = KillLoop.connect(m)) {
                ledger.preload(c, "pre:", SLOW_PRELOAD);
            }
            Writer w = ledger.writer(m, SLOW_WRITE_KEYS);
            r = replica(rdir, mport);
            rc = KillLoop.connect(r);
            while (inside < n) {
                assertThat(kills).as("full sync: kills that missed the sync").isLessThan(3 * n);
                RespConnection rcc = rc;
                // A full sync starts, or the replica resynced partially (after a restart that loaded
                // a complete sync's snapshot): then a master restart forces a full sync.
                await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
                    String ri = KillLoop.info(rcc, "replication");
                    return ri.contains("master_sync_in_progress:1") || ri.contains("master_link_status:up");
                });
                boolean sync = syncing(rc);
                boolean killMaster = !sync || rnd.nextBoolean();
                if (sync && kills % 8 == 7) {
                    // Now and then the sync is let finish, and the replica is killed while it
                    // streams: its restart loads the dump.rdb the sync left (not counted as inside).
                    RespConnection rc2 = rc;
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                            .until(() -> KillLoop.info(rc2, "replication").contains("master_link_status:up"));
                    Thread.sleep(rnd.nextInt(50));
                    killMaster = false;
                    sync = false;
                    afterSync++;
                }
                if (sync) {
                    // A random moment of the transfer (random, not a wait for a condition).
                    Thread.sleep((long) (rnd.nextDouble() * SAVE_MILLIS * 0.9));
                    if (syncing(rc)) inside++;
                }
                kills++;
                if (killMaster) {
                    m.kill();
                    masterKills++;
                    w.join();
                    checks.copyAndCheck(mdir, true, "master kill " + kills);
                    m = KillLoop.start(mdir, mport, null, masterArgs(kills % 2 == 1));
                    try (RespConnection c = KillLoop.connect(m)) {
                        ledger.verify(c, "master kill " + kills);
                    }
                    w = ledger.writer(m, SLOW_WRITE_KEYS);
                } else {
                    rc.close();
                    r.kill();
                    replicaKills++;
                    boolean hadDump = Files.exists(rdir.resolve("dump.rdb"));
                    checks.copyAndCheck(rdir, false, "replica kill " + kills);
                    try (RespConnection c = KillLoop.connect(m)) {
                        c.callChecked("CONFIG", "SET", "repl-diskless-sync", kills % 2 == 1 ? "yes" : "no");
                    }
                    r = replica(rdir, mport);
                    rc = KillLoop.connect(r);
                    if (hadDump) {
                        // It loaded the snapshot of an earlier sync before it resyncs.
                        ServerProcess rr = r;
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                                .until(() -> rr.log().contains("DB loaded from disk"));
                        replicaLoads++;
                    }
                }
            }
            // The replica catches up with everything the master has, and holds the same values.
            w.stop();
            RespConnection rcc = rc;
            try (RespConnection mc = KillLoop.connect(m)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    String ri = KillLoop.info(rcc, "replication");
                    return ri.contains("master_link_status:up")
                            && field(ri, "slave_repl_offset") == field(KillLoop.info(mc, "replication"), "master_repl_offset");
                });
                ledger.verify(mc, "full sync end (master)");
                ledger.verify(rc, "full sync end (replica)");
                ledger.sameOn(mc, rc, "replica and master after the full-sync kills");
            }
        } finally {
            if (rc != null) rc.close();
            if (r != null) r.kill();
            m.kill();
        }
        checks.await();
        KillLoop.deleteTree(mdir);
        KillLoop.deleteTree(rdir);
        System.out.printf("CrashPointsIT full sync: %d kills (%d master, %d replica; %d replica restarts loaded the snapshot"
                + " of an earlier sync)%n", kills, masterKills, replicaKills, replicaLoads);
        // Every replica killed after a complete sync loaded that sync's snapshot at its restart.
        assertThat(replicaLoads).as("replica restarts that loaded a snapshot").isGreaterThanOrEqualTo(afterSync);
        return new Figures("full sync (master or replica)", kills, inside, ledger.total(), 0, (System.nanoTime() - t0) / 1e9);
    }
}
