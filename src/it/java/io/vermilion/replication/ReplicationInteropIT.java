package io.vermilion.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vermilion.client.Reply;
import io.vermilion.client.ReplyReader;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

/**
 * The interop matrix of issue #10: {Vermilion, redis-server} master × {Vermilion, redis-server}
 * replica. Each pair: a full sync of a data set with keys of every type (in two databases, some
 * with TTLs) while a client keeps writing, keys compared on both sides; a partial resync
 * (+CONTINUE, sync_partial_ok) after the master link is killed by the replica and by the master;
 * a restart of the replica (SHUTDOWN SAVE, start with replicaof) that continues partially from its
 * RDB's repl-id/offset, keys compared again; and a second full sync in the other RDB form (disk {@code $len} / diskless {@code $EOF}) after
 * REPLICAOF NO ONE + REPLICAOF. Also ROLE, INFO replication, WAIT and replica-read-only.
 *
 * <p>Data sets are compared with DEBUG DIGEST (one signature per server, equal to Redis's for the
 * same data: diff/digest.txt), DBSIZE and a sample read back key by key ({@link #assertSameData}).
 * Keys per pair: {@code -Drepl.keys} (default 100000, the issue's figure; the phases' times are
 * printed as {@code [repl-it]} lines).
 */
class ReplicationInteropIT {
    static final int KEYS = Integer.getInteger("repl.keys", 100_000);
    /** DEBUG DIGEST compares the data sets: allowed on every server of this test. */
    static final List<String> DEBUG = List.of("--enable-debug-command", "yes");
    /**
     * Socket timeout and the wait for a full sync / for a replica to catch up, in ms: generous,
     * as a DEBUG DIGEST or a sync of 100k keys takes seconds on a loaded machine (waits return
     * as soon as the condition holds).
     */
    static final int TIMEOUT = 60_000;

    static Stream<Arguments> matrix() {
        // The first sync of each pair uses one form, the second the other; V→R and R→V cover both
        // forms in both directions against the real thing.
        // -Drepl.pair=VERMILION-REDIS runs one pair only.
        String only = System.getProperty("repl.pair", "");
        return Stream.of(
                Arguments.of(Kind.VERMILION, Kind.REDIS, true),
                Arguments.of(Kind.REDIS, Kind.VERMILION, true),
                Arguments.of(Kind.VERMILION, Kind.VERMILION, false),
                Arguments.of(Kind.REDIS, Kind.REDIS, false))
                .filter(a -> only.isBlank() || only.equalsIgnoreCase(a.get()[0] + "-" + a.get()[1]));
    }

    @ParameterizedTest(name = "{0} master, {1} replica, diskless first: {2}")
    @MethodSource("matrix")
    void fullPartialRestartAndResync(Kind masterKind, Kind replicaKind, boolean disklessFirst) throws Exception {
        phaseStart = System.nanoTime();
        try (ServerProcess m = ServerProcess.start(masterKind, Ports.free(),
                List.of("--repl-diskless-sync", disklessFirst ? "yes" : "no", "--repl-diskless-sync-delay", "0",
                        "--enable-debug-command", "yes"))) {
            Path replicaDir = java.nio.file.Files.createTempDirectory("vermilion-it-replica-");
            int rport = Ports.free();
            ServerProcess r = ServerProcess.start(replicaKind, rport, replicaDir, null, DEBUG);
            phase("started");
            ServerProcess[] current = {r};
            long writes; // by the writer during the first sync
            try {
            try (Jedis mj = new Jedis("127.0.0.1", m.port(), TIMEOUT); Jedis rj0 = new Jedis("127.0.0.1", rport, TIMEOUT)) {
                load(m.port(), KEYS);
                assertEquals((long) KEYS * 9 / 10 + 5 * 2, mj.dbSize(), "db0 loaded");
                phase("loaded");
                // Slow a small snapshot down so that the writes below land while the sync runs (a
                // sleep per key costs ~10x its microseconds on a busy machine; a big data set
                // takes long enough by itself).
                if (KEYS < 50_000) mj.configSet("rdb-key-save-delay", Integer.toString(Math.max(1, 100_000 / KEYS)));
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong written = new AtomicLong();
                Thread writer = writer(m.port(), stop, written);
                writer.start();
                assertEquals("OK", rj0.replicaof("127.0.0.1", m.port()));
                awaitLink(rj0, TIMEOUT);
                phase("full sync link up");
                stop.set(true);
                writer.join();
                mj.configSet("rdb-key-save-delay", "0");
                writes = written.get();
                assertTrue(writes > 0, "writes ran during the sync");
                awaitInSync(mj, rj0);
                assertSameData(mj, rj0, "after the full sync", writes);
                phase("compared");
                assertEquals(1, info(mj, "stats").get("sync_full").equals("1") ? 1 : 0, "one full sync");

                // Read-only replica; ROLE on both sides; INFO replication fields.
                assertTrue(error(rj0, "SET", "k", "v").startsWith("READONLY You can't write against a read only replica."));
                List<Object> role = rj0.role();
                assertEquals("slave", str(role.get(0)));
                assertEquals((long) m.port(), role.get(2));
                assertEquals("connected", str(role.get(3)));
                List<Object> mrole = mj.role();
                assertEquals("master", str(mrole.get(0)));
                assertEquals(1, ((List<?>) mrole.get(2)).size());
                Map<String, String> ri = info(rj0, "replication");
                assertEquals("slave", ri.get("role"));
                assertEquals("up", ri.get("master_link_status"));
                assertEquals(Integer.toString(m.port()), ri.get("master_port"));
                Map<String, String> mi = info(mj, "replication");
                assertEquals("1", mi.get("connected_slaves"));
                assertTrue(mi.get("slave0").matches("ip=127\\.0\\.0\\.1,port=" + rport + ",state=online,offset=\\d+,lag=\\d+"),
                        mi.get("slave0"));
                assertEquals("1", mi.get("repl_backlog_active"));
                assertEquals(mi.get("master_replid"), ri.get("master_replid"));

                // INFO replication field names and order, as Redis 7.0 names them (the REDIS-REDIS
                // pair checks the lists themselves against the oracle).
                assertEquals(MASTER_FIELDS, names(mj), "master INFO replication fields");
                assertEquals(REPLICA_FIELDS, names(rj0), "replica INFO replication fields");

                // A replica hides a logically expired key from reads (the master's DEL removes it).
                mj.psetex("short-lived", 150, "x");
                assertEquals(1L, mj.waitReplicas(1, 5000));
                Thread.sleep(300);
                assertEquals(null, rj0.get("short-lived"));
                // The master deletes it now (and replicates the DEL): no logically expired key
                // stays stored on one side only for DEBUG DIGEST, which counts stored keys.
                assertEquals(null, mj.get("short-lived"));

                // WAIT: one replica acknowledges; asking for two times out with one.
                mj.set("wait-key", "1");
                assertEquals(1L, mj.waitReplicas(1, 5000));
                assertEquals(1L, mj.waitReplicas(2, 200));

                // Partial resync after the link is killed on the replica side.
                long partialBefore = Long.parseLong(info(mj, "stats").get("sync_partial_ok"));
                rj0.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "master");
                for (int i = 0; i < 200; i++) mj.incr("after-kill");
                awaitLink(rj0, 20_000);
                phase("partial link up");
                awaitInSync(mj, rj0);
                assertEquals(partialBefore + 1, Long.parseLong(info(mj, "stats").get("sync_partial_ok")),
                        "the killed link continued partially");
                assertEquals("200", rj0.get("after-kill"));

                // ... and after the master kills the link (CLIENT KILL TYPE replica on its side).
                partialBefore = Long.parseLong(info(mj, "stats").get("sync_partial_ok"));
                assertEquals(1L, (Long) mj.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica"));
                for (int i = 0; i < 200; i++) mj.hincrBy("after-master-kill", "f" + (i % 10), 1);
                awaitLink(rj0, 20_000);
                awaitInSync(mj, rj0);
                assertEquals(partialBefore + 1, Long.parseLong(info(mj, "stats").get("sync_partial_ok")),
                        "the link the master killed continued partially");
                assertEquals("20", rj0.hget("after-master-kill", "f3"));
                phase("master-kill partial");
            }

            // The replica restarts from its own RDB (repl-id/repl-offset) and continues partially.
            try (Jedis rj = new Jedis("127.0.0.1", rport, TIMEOUT)) {
                try {
                    rj.sendCommand(Protocol.Command.SHUTDOWN, "SAVE");
                } catch (RuntimeException closed) {
                    // the connection ends with the server
                }
            }
            r.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            try (Jedis mj = new Jedis("127.0.0.1", m.port(), TIMEOUT)) {
                long partialBefore = Long.parseLong(info(mj, "stats").get("sync_partial_ok"));
                for (int i = 0; i < 100; i++) mj.lpush("while-down", Integer.toString(i));
                r = ServerProcess.start(replicaKind, rport, replicaDir, null,
                        List.of("--replicaof", "127.0.0.1", Integer.toString(m.port()), "--enable-debug-command", "yes"));
                phase("replica restarted");
                current[0] = r;
                try (Jedis rj = new Jedis("127.0.0.1", rport, TIMEOUT)) {
                    awaitLink(rj, TIMEOUT);
                    phase("restart link up");
                    awaitInSync(mj, rj);
                    assertEquals(partialBefore + 1, Long.parseLong(info(mj, "stats").get("sync_partial_ok")),
                            "the restarted replica continued partially");
                    assertEquals(100L, rj.llen("while-down"));
                    // After the three partial resyncs (link killed by the replica, by the master,
                    // replica restarted), every key is equal again.
                    assertSameData(mj, rj, "after the partial resyncs", writes);
                    phase("partial compare");

                    // A second full sync in the other form: a promoted replica has a new id.
                    mj.configSet("repl-diskless-sync", disklessFirst ? "no" : "yes");
                    long fullBefore = Long.parseLong(info(mj, "stats").get("sync_full"));
                    assertEquals("OK", rj.replicaofNoOne());
                    assertTrue(error(rj, "DEL", "while-down").isEmpty(), "a promoted replica takes writes");
                    mj.set("after-promotion", "x");
                    assertEquals("OK", rj.replicaof("127.0.0.1", m.port()));
                    awaitLink(rj, TIMEOUT);
                    phase("second sync link up");
                    awaitInSync(mj, rj);
                    assertEquals(fullBefore + 1, Long.parseLong(info(mj, "stats").get("sync_full")));
                    assertSameData(mj, rj, "after the second full sync", writes);
                    phase("second compare");
                }
            } finally {
                r.close();
            }
            } finally {
                current[0].close();
            }
        }
    }

    // ------------------------------------------------------------------ data

    /**
     * Keys of every type in db 0 and db 1; every tenth with a TTL; big (non-compact) lists and sets
     * too. Sent as one raw RESP stream while a second thread reads the replies (as redis-cli
     * --pipe does): a client-side pipeline of this many commands costs more than the servers
     * take to execute them. Every reply is checked not to be an error.
     */
    static void load(int port, int keys) throws Exception {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(64 * keys + 1024);
        int[] count = {0};
        java.util.function.Consumer<String[]> cmd = a -> {
            byte[][] b = new byte[a.length][];
            for (int i = 0; i < a.length; i++) b[i] = a[i].getBytes(StandardCharsets.UTF_8);
            buf.writeBytes(RespConnection.encode(b));
            count[0]++;
        };
        for (int db = 0; db < 2; db++) {
            cmd.accept(new String[] {"SELECT", Integer.toString(db)});
            int n = db == 0 ? keys * 9 / 10 : keys / 10;
            for (int i = 0; i < n; i++) {
                String k = "k" + db + ":" + i, is = Integer.toString(i);
                cmd.accept(switch (i % 8) {
                    case 0 -> new String[] {"SET", k, "v" + i};
                    case 1 -> new String[] {"SET", k, is};
                    case 2 -> new String[] {"RPUSH", k, "a" + i, "b", "c", is};
                    case 3 -> new String[] {"HSET", k, "f1", "v" + i, "f2", is};
                    case 4 -> new String[] {"SADD", k, "m" + i, "x", "y"};
                    case 5 -> new String[] {"SADD", k, is, "1", "2"};
                    case 6 -> new String[] {"ZADD", k, "1.5", "a", is, "b" + i};
                    default -> new String[] {"XADD", k, "*", "f", "v" + i};
                });
                if (i % 10 == 0) cmd.accept(new String[] {"EXPIRE", k, "3600"});
            }
            // Big values too (not listpack/intset encoded).
            for (int i = 0; i < 5; i++) {
                String[] list = new String[302], set = new String[302];
                list[0] = "RPUSH";
                set[0] = "SADD";
                list[1] = "big-list" + i;
                set[1] = "big-set" + i;
                for (int e = 0; e < 300; e++) list[e + 2] = set[e + 2] = "element-" + e + "-" + "x".repeat(e % 70);
                cmd.accept(list);
                cmd.accept(set);
            }
        }
        byte[] bytes = buf.toByteArray();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            java.util.concurrent.CompletableFuture<Void> send = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    java.io.OutputStream out = s.getOutputStream();
                    for (int off = 0; off < bytes.length; off += 64 * 1024) {
                        out.write(bytes, off, Math.min(64 * 1024, bytes.length - off));
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ReplyReader in = new ReplyReader(s.getInputStream());
            for (int i = 0; i < count[0]; i++) {
                Reply r = in.read();
                if (r.isError()) throw new AssertionError("load: reply " + i + " is an error: " + r);
            }
            send.join();
        }
    }

    static Thread writer(int port, AtomicBoolean stop, AtomicLong written) {
        return new Thread(() -> {
            try (Jedis w = new Jedis("127.0.0.1", port, 20000)) {
                long i = 0;
                while (!stop.get()) {
                    Pipeline p = w.pipelined();
                    for (int b = 0; b < 50; b++, i++) {
                        p.set("during:" + i, "v" + i);
                        p.incr("during-counter");
                        p.rpush("during-list", Long.toString(i));
                        if (i % 7 == 0) p.del("k0:" + (i % 1000));
                        if (i % 11 == 0) p.hset("k0:3", "f" + i, "x");
                    }
                    p.sync();
                    written.addAndGet(50);
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    // ------------------------------------------------------------------ checks

    private static long phaseStart = System.nanoTime();

    /** Timing of the phases in the test output (the CI budget of this IT). */
    static void phase(String name) {
        long now = System.nanoTime();
        System.out.printf("[repl-it] %-22s %6d ms%n", name, (now - phaseStart) / 1_000_000);
        phaseStart = now;
    }

    static void awaitLink(Jedis r, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                Map<String, String> i = info(r, "replication");
                last = i.toString();
                if ("up".equals(i.get("master_link_status"))) return;
            } catch (RuntimeException loading) {
                last = loading.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("master link not up in " + millis + " ms: " + last);
    }

    /** Waits until the replica has applied everything the master produced. */
    static void awaitInSync(Jedis m, Jedis r) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            long mo = Long.parseLong(info(m, "replication").get("master_repl_offset"));
            Map<String, String> ri = info(r, "replication");
            last = mo + " vs " + ri.get("slave_repl_offset");
            if ("up".equals(ri.get("master_link_status")) && Long.parseLong(ri.get("slave_repl_offset")) >= mo) return;
            Thread.sleep(50);
        }
        throw new AssertionError("replica not in sync: " + last);
    }

    /**
     * Every key of every database equal on both sides: DEBUG DIGEST (Redis 7.0's signature of the
     * whole data set: key names, types, values, whether a key has a TTL, database numbers;
     * diff/digest.txt proves Vermilion's equals redis-server's for every type and encoding) must
     * be the same, and not the empty data set's; DBSIZE of db 0 and 1 too. As a check that does
     * not rest on the digest, a sample of keys (the ones the test itself wrote: counters, lists,
     * the hash the writer changes; and one in 50 of the others: the initial data set and the
     * writer's strings) is also read back in full on both sides and compared: type, value (order-insensitive where it must be) and TTL presence. When the
     * digests differ, every key is compared that way to name the first one that differs.
     */
    static void assertSameData(Jedis m, Jedis r, String when, long written) {
        long t0 = System.nanoTime();
        // Both at once: the digest of 100k keys is seconds of CPU on a busy machine.
        java.util.concurrent.CompletableFuture<String> rd = java.util.concurrent.CompletableFuture.supplyAsync(() -> digest(r));
        String dm = digest(m), dr = rd.join();
        long t1 = System.nanoTime();
        assertTrue(dm.matches("[0-9a-f]{40}") && !dm.equals("0".repeat(40)), when + ": master digest " + dm);
        boolean all = !dm.equals(dr); // the digests differ: compare every key to say which
        int sampled = 0;
        for (int db = 0; db < 2; db++) {
            m.select(db);
            r.select(db);
            assertEquals(m.dbSize(), r.dbSize(), when + ": db" + db + " sizes");
            List<String> sample = all ? new ArrayList<>(m.keys("*")) : sample(db, written);
            java.util.concurrent.CompletableFuture<Map<String, String>> rb = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> dump(r, all ? new ArrayList<>(r.keys("*")) : sample));
            Map<String, String> a = dump(m, sample), b = rb.join();
            if (all) assertEquals(a.keySet(), b.keySet(), when + ": db" + db + " keys");
            for (Map.Entry<String, String> e : a.entrySet()) {
                assertEquals(e.getValue(), b.get(e.getKey()), when + ": db" + db + " key " + e.getKey());
            }
            sampled += sample.size();
        }
        m.select(0);
        r.select(0);
        System.out.printf("[repl-it]   digests %d ms, %d keys read back %d ms%n", (t1 - t0) / 1_000_000, sampled,
                (System.nanoTime() - t1) / 1_000_000);
        assertEquals(dm, dr, when + ": DEBUG DIGEST of master and replica");
    }

    /**
     * The keys read back in full: every key the test wrote itself (counters, lists, the hash the
     * writer changes, the big values) and one in 50 of the rest (the initial data, the writer's
     * strings); a key deleted since reads as "none" on both sides.
     */
    static List<String> sample(int db, long written) {
        List<String> keys = new ArrayList<>();
        int n = db == 0 ? KEYS * 9 / 10 : KEYS / 10;
        for (int i = 0; i < n; i += 50) keys.add("k" + db + ":" + i);
        for (int i = 0; i < 5; i++) {
            keys.add("big-list" + i);
            keys.add("big-set" + i);
        }
        if (db == 0) {
            keys.addAll(List.of("k0:3", "k0:7", "during-counter", "during-list", "short-lived", "wait-key", "after-kill",
                    "after-master-kill", "while-down", "after-promotion"));
            for (long i = 0; i < written; i += 50) keys.add("during:" + i);
        }
        return keys;
    }

    static String digest(Jedis j) {
        return str(j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "DIGEST"));
    }

    /** Type, full value and TTL presence of each of the keys, read with pipelined commands. */
    static Map<String, String> dump(Jedis j, List<String> keys) {
        Pipeline p = j.pipelined();
        List<Response<String>> types = new ArrayList<>();
        for (String k : keys) types.add(p.type(k));
        p.sync();
        p = j.pipelined();
        List<Response<?>> vals = new ArrayList<>();
        List<Response<Long>> ttls = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            vals.add(switch (types.get(i).get()) {
                case "string" -> p.get(k);
                case "list" -> p.lrange(k, 0, -1);
                case "hash" -> p.hgetAll(k);
                case "set" -> p.smembers(k);
                case "zset" -> p.zrangeWithScores(k, 0, -1);
                case "stream" -> p.xrange(k, "-", "+");
                default -> p.type(k);
            });
            ttls.add(p.pttl(k));
        }
        p.sync();
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Object v = vals.get(i).get();
            String s;
            if (v instanceof java.util.Set<?> set) {
                List<String> l = new ArrayList<>();
                for (Object o : set) l.add(String.valueOf(o));
                java.util.Collections.sort(l);
                s = l.toString();
            } else if (v instanceof Map<?, ?> map) {
                s = new TreeMap<>(map).toString();
            } else if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof redis.clients.jedis.resps.StreamEntry) {
                StringBuilder sb = new StringBuilder();
                for (Object o : list) {
                    redis.clients.jedis.resps.StreamEntry se = (redis.clients.jedis.resps.StreamEntry) o;
                    sb.append(se.getID()).append(new TreeMap<>(se.getFields())).append(';');
                }
                s = sb.toString();
            } else {
                s = String.valueOf(v);
            }
            out.put(keys.get(i), types.get(i).get() + ":" + s + ":ttl=" + (ttls.get(i).get() > 0));
        }
        return out;
    }

    static final List<String> TAIL = List.of("master_failover_state", "master_replid", "master_replid2",
            "master_repl_offset", "second_repl_offset", "repl_backlog_active", "repl_backlog_size",
            "repl_backlog_first_byte_offset", "repl_backlog_histlen");
    static final List<String> MASTER_FIELDS = concat(List.of("role", "connected_slaves", "slave0"), TAIL);
    static final List<String> REPLICA_FIELDS = concat(List.of("role", "master_host", "master_port",
            "master_link_status", "master_last_io_seconds_ago", "master_sync_in_progress", "slave_read_repl_offset",
            "slave_repl_offset", "slave_priority", "slave_read_only", "replica_announced", "connected_slaves"), TAIL);

    static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** The field names of INFO replication, in order. */
    static List<String> names(Jedis j) {
        List<String> l = new ArrayList<>();
        for (String line : j.info("replication").split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) l.add(line.substring(0, c));
        }
        return l;
    }

    static Map<String, String> info(Jedis j, String section) {
        Map<String, String> f = new TreeMap<>();
        for (String line : j.info(section).split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) f.put(line.substring(0, c), line.substring(c + 1));
        }
        return f;
    }

    /** The error text of a command, or "" if it succeeded. */
    static String error(Jedis j, String... cmd) {
        try {
            j.sendCommand(() -> cmd[0].getBytes(StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(cmd, 1, cmd.length));
            return "";
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
