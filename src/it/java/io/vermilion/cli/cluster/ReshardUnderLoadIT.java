package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.ours;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.util.HashSlot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resharding and rebalancing while clients keep writing and reading: every reply is either the
 * expected one or a MOVED/ASK redirection, which the client follows; afterwards every
 * acknowledged write is there with its last value and every acknowledged increment counted.
 */
class ReshardUnderLoadIT {

    /** A minimal cluster client: slot map from CLUSTER NODES, follows MOVED and ASK, counts them. */
    static final class Client implements AutoCloseable {
        final int[] owner;
        final Map<Integer, RespConnection> conns = new HashMap<>();
        final AtomicLong moved, asked;
        final List<String> errors;

        Client(int seedPort, AtomicLong moved, AtomicLong asked, List<String> errors) throws IOException {
            this.owner = ClusterCliSupport.slotOwners(seedPort);
            this.moved = moved;
            this.asked = asked;
            this.errors = errors;
        }

        RespConnection conn(int port) throws IOException {
            RespConnection c = conns.get(port);
            if (c == null) {
                c = ClusterCliSupport.connect(port);
                conns.put(port, c);
            }
            return c;
        }

        /** Runs a single-key command; null if it ended in an error (recorded). */
        Reply run(String... cmd) throws IOException {
            int slot = HashSlot.of(cmd[1].getBytes(StandardCharsets.UTF_8));
            int port = owner[slot];
            boolean asking = false;
            for (int hops = 0; hops < 10; hops++) {
                RespConnection c = conn(port);
                Reply r;
                if (asking) {
                    c.send("ASKING");
                    c.send(cmd);
                    Reply ok = c.read();
                    if (ok.isError()) errors.add("ASKING: " + ok.asString());
                    r = c.read();
                } else {
                    r = c.call(cmd);
                }
                if (!r.isError()) return r;
                String e = r.asString();
                String[] f = e.split(" ");
                if (e.startsWith("MOVED ")) {
                    moved.incrementAndGet();
                    port = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1));
                    owner[slot] = port;
                    asking = false;
                } else if (e.startsWith("ASK ")) {
                    asked.incrementAndGet();
                    port = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1));
                    asking = true;
                } else {
                    errors.add(String.join(" ", cmd) + " -> " + e);
                    return null;
                }
            }
            errors.add(String.join(" ", cmd) + " -> too many redirections");
            return null;
        }

        @Override
        public void close() {
            for (RespConnection c : conns.values()) c.close();
        }
    }

    @BothKinds
    void noAcknowledgedWriteLostWhileSlotsMove(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3);
             ServerProcess fourth = ServerProcess.start(kind, Ports.free(), List.of("--cluster-enabled", "yes",
                     "--cluster-node-timeout", "5000"))) {
            int p1 = f.node(0).port(), p4 = fourth.port();
            assertThat(ours("--cluster", "add-node", addr(p4), addr(p1)).exit()).isZero();
            ClusterCliSupport.writeKeys(p1, "bulk:", 30_000); // something to move besides the load

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong moved = new AtomicLong(), asked = new AtomicLong(), ops = new AtomicLong();
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            Map<String, String> lastWritten = new ConcurrentHashMap<>();
            Map<String, Long> increments = new ConcurrentHashMap<>();

            Thread setter = new Thread(() -> {
                try (Client c = new Client(p1, moved, asked, errors)) {
                    long seq = 0;
                    while (!stop.get()) {
                        String key = "load:" + (seq % 3000);
                        String value = "v" + seq;
                        Reply r = c.run("SET", key, value);
                        if (r != null) {
                            if ("OK".equals(r.asString())) lastWritten.put(key, value);
                            else errors.add("SET " + key + " -> " + r);
                        }
                        if (seq % 3 == 0 && seq > 0) {
                            String k = "load:" + ((seq * 7) % Math.min(seq, 3000));
                            String want = lastWritten.get(k);
                            Reply g = c.run("GET", k);
                            if (g != null && want != null && !want.equals(g.asString())) {
                                errors.add("GET " + k + " -> " + g.asString() + ", last written " + want);
                            }
                        }
                        seq++;
                        ops.incrementAndGet();
                    }
                } catch (IOException e) {
                    errors.add("setter: " + e);
                }
            });
            Thread counter = new Thread(() -> {
                try (Client c = new Client(p1, moved, asked, errors)) {
                    long seq = 0;
                    while (!stop.get()) {
                        String key = "ctr:" + (seq % 500);
                        Reply r = c.run("INCR", key);
                        if (r != null) increments.merge(key, 1L, Long::sum);
                        seq++;
                        ops.incrementAndGet();
                    }
                } catch (IOException e) {
                    errors.add("counter: " + e);
                }
            });
            setter.start();
            counter.start();
            try {
                ClusterCliSupport.await("load running", 10_000, ops::get, n -> n > 1000);
                // Small batches keep slots open long enough for clients to meet ASK redirections.
                Result reshard = ours("--cluster", "reshard", addr(p1), "--cluster-from", "all", "--cluster-to", myId(p4),
                        "--cluster-slots", "4096", "--cluster-yes", "--cluster-pipeline", "5");
                assertThat(reshard.exit()).as("%s", reshard).isZero();
                Result rebalance = ours("--cluster", "rebalance", addr(p1), "--cluster-weight", myId(p4) + "=3",
                        "--cluster-pipeline", "5");
                assertThat(rebalance.exit()).as("%s", rebalance).isZero();
                long opsAfter = ops.get();
                ClusterCliSupport.await("more load after the moves", 10_000, ops::get, n -> n > opsAfter + 1000);
            } finally {
                stop.set(true);
                setter.join();
                counter.join();
            }

            assertThat(errors).as("client errors other than redirections").isEmpty();
            assertThat(moved.get()).as("MOVED redirections seen").isPositive();
            assertThat(asked.get()).as("ASK redirections seen").isPositive();
            assertThat(ClusterCliSupport.missingOrWrong(p1, lastWritten)).isEmpty();
            Map<String, String> counts = new HashMap<>();
            increments.forEach((k, v) -> counts.put(k, Long.toString(v)));
            assertThat(ClusterCliSupport.missingOrWrong(p1, counts)).isEmpty();
            assertThat(ClusterCliSupport.myLine(p4)).contains("connected");
            assertThat(ClusterCliSupport.redisCli("--cluster", "check", addr(p1)).exit()).isZero();
        }
    }
}
