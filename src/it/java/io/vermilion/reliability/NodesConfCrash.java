package io.vermilion.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.cluster.NodesConfFile;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 13 point 1, cluster mode: kill -9 while nodes.conf is being rewritten, under a client
 * that changes everything the file holds (CLUSTER RESET HARD for a new node id and zero epochs,
 * SET-CONFIG-EPOCH, BUMPEPOCH, ADDSLOTSRANGE / DELSLOTSRANGE, SAVECONFIG). Two kills of three
 * stop the node inside a write ({@code -Dvermilion.crashpoint=nodes-conf-written:N}: the new
 * content is written, padded with newlines over the old, not yet truncated to its length), until {@code kills} did; the others land at random
 * moments of the command stream. After each the node
 * restarts from its nodes.conf (which parses, with {@link NodesConfFile} too) in the state of the
 * last acknowledged command or of the one in flight: id, current and config epoch, slots.
 *
 * <p>One of the loops of {@link CrashPointsIT} ({@code -Dcrash.kills=N} for more).
 */
final class NodesConfCrash {
    private NodesConfCrash() {}

    /** What nodes.conf must hold: a node id (null: any id but {@link #notId}), epochs, slots. */
    record State(String id, String notId, long currentEpoch, long configEpoch, BitSet slots) {
        boolean matches(State got) {
            boolean idOk = id != null ? id.equals(got.id()) : !got.id().equals(notId);
            return idOk && got.currentEpoch() == currentEpoch && got.configEpoch() == configEpoch && got.slots().equals(slots);
        }
    }

    private static ServerProcess start(Path dir, String point) throws IOException {
        return KillLoop.start(dir, 0, point, List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
    }

    static KillLoop.Figures run(int kills) throws Exception {
        long t0 = System.nanoTime();
        State prevInFlight = null;
        Path dir = Files.createTempDirectory("vermilion-it-nodesconf-crash-");
        Random rnd = new Random(4);
        State acked;
        try (ServerProcess v = start(dir, null); RespConnection c = KillLoop.connect(v)) {
            acked = observe(c);
        }
        long epoch = 1000;
        int insideWrite = 0, commands = 0;
        int cycle = 0;
        for (; insideWrite < kills; cycle++) {
            // Two of three stop inside a write; the third is killed at a random moment.
            boolean deterministic = cycle % 3 != 2;
            // Writes at startup come first; the N-th is one of the client's.
            String point = deterministic ? "nodes-conf-written:" + (1 + rnd.nextInt(10)) : null;
            ServerProcess v = start(dir, point);
            AtomicReference<State> inFlight = new AtomicReference<>();
            try (RespConnection c = KillLoop.connect(v)) {
                State got = observe(c);
                assertThat(acked.matches(got) || (prevInFlight != null && prevInFlight.matches(got)))
                        .as("cycle %d: after the kill the node has %s; acknowledged %s, in flight %s", cycle, got, acked, prevInFlight)
                        .isTrue();
                acked = got;
                long killAt = deterministic ? Long.MAX_VALUE : System.nanoTime() + rnd.nextInt(150_000_000);
                c.setReadTimeout(50);
                Calls calls = new Calls(c, v);
                try {
                    while (System.nanoTime() < killAt) {
                        State next = step(calls, acked, rnd, ++epoch, inFlight);
                        commands++;
                        acked = next;
                        inFlight.set(null);
                    }
                } catch (Stopped stopped) {
                    // the node stopped inside the write: the reply of the command in flight never came
                    insideWrite++;
                }
            } finally {
                v.kill();
            }
            prevInFlight = inFlight.get();
            assertThat(NodesConfFile.read(dir.resolve("nodes.conf"))).as("nodes.conf parses after kill %d", cycle).isPresent();
        }
        try (ServerProcess v = start(dir, null); RespConnection c = KillLoop.connect(v)) {
            State got = observe(c);
            assertThat(acked.matches(got) || (prevInFlight != null && prevInFlight.matches(got)))
                    .as("final: %s; acknowledged %s, in flight %s", got, acked, prevInFlight).isTrue();
        }
        KillLoop.deleteTree(dir);
        // Kills: every cycle; inside: those stopped inside a write (the others at random moments
        // of a stream of commands that each rewrite nodes.conf). "acked": config changes acknowledged.
        return new KillLoop.Figures("nodes.conf writes", cycle, insideWrite, commands, 0,
                (System.nanoTime() - t0) / 1e9);
    }

    /** A stop at the crash point: the reply of the command in flight never comes. */
    static final class Stopped extends IOException {
        Stopped() {
            super("stopped at the crash point");
        }
    }

    /** A command's reply; {@link Stopped} when the node logs that it stopped at the crash point instead. */
    private static final class Calls {
        final RespConnection c;
        final ServerProcess v;

        Calls(RespConnection c, ServerProcess v) {
            this.c = c;
            this.v = v;
        }

        Reply call(String... args) throws IOException {
            c.send(args);
            c.flush();
            for (int i = 0; ; i++) {
                try {
                    return c.read();
                } catch (java.net.SocketTimeoutException e) {
                    if (v.log().contains("CRASHPOINT nodes-conf-written reached")) throw new Stopped();
                    if (i > 300) throw e;
                }
            }
        }
    }

    private static State step(Calls c, State s, Random rnd, long epoch, AtomicReference<State> inFlight)
            throws IOException {
        int op = rnd.nextInt(6);
        if (s.id() == null) op = 6; // learn the id after a reset first
        State next;
        Reply r;
        switch (op) {
            case 0 -> {
                next = new State(null, s.id(), 0, 0, new BitSet());
                inFlight.set(next);
                r = c.call("CLUSTER", "RESET", "HARD");
            }
            case 1 -> {
                if (s.configEpoch() != 0) return step(c, s, rnd, epoch, inFlight);
                next = new State(s.id(), null, Math.max(s.currentEpoch(), epoch), epoch, s.slots());
                inFlight.set(next);
                r = c.call("CLUSTER", "SET-CONFIG-EPOCH", Long.toString(epoch));
            }
            case 2 -> {
                int a = rnd.nextInt(16000), b = a + rnd.nextInt(300);
                BitSet slots = (BitSet) s.slots().clone();
                if (slots.get(a, b + 1).cardinality() != 0) return step(c, s, rnd, epoch, inFlight);
                slots.set(a, b + 1);
                next = new State(s.id(), null, s.currentEpoch(), s.configEpoch(), slots);
                inFlight.set(next);
                r = c.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(a), Integer.toString(b));
            }
            case 3 -> {
                int a = s.slots().nextSetBit(0);
                if (a < 0) return step(c, s, rnd, epoch, inFlight);
                BitSet slots = (BitSet) s.slots().clone();
                slots.clear(a);
                next = new State(s.id(), null, s.currentEpoch(), s.configEpoch(), slots);
                inFlight.set(next);
                r = c.call("CLUSTER", "DELSLOTSRANGE", Integer.toString(a), Integer.toString(a));
            }
            case 4 -> {
                boolean bumps = s.configEpoch() == 0;
                long e = bumps ? s.currentEpoch() + 1 : s.configEpoch();
                next = new State(s.id(), null, bumps ? e : s.currentEpoch(), e, s.slots());
                inFlight.set(next);
                r = c.call("CLUSTER", "BUMPEPOCH");
                assertThat(r.asString()).isEqualTo((bumps ? "BUMPED " : "STILL ") + e);
            }
            case 5 -> {
                next = s;
                inFlight.set(next);
                r = c.call("CLUSTER", "SAVECONFIG");
            }
            default -> {
                r = c.call("CLUSTER", "MYID");
                String id = r.asString();
                assertThat(id).isNotEqualTo(s.notId());
                return new State(id, null, s.currentEpoch(), s.configEpoch(), s.slots());
            }
        }
        assertThat(r.isError()).as("%s", r).isFalse();
        return next;
    }

    /** The node's id, epochs and slots as it reports them. */
    private static State observe(RespConnection c) throws IOException {
        String id = c.call("CLUSTER", "MYID").asString();
        String info = c.call("CLUSTER", "INFO").asString();
        long current = field(info, "cluster_current_epoch");
        String nodes = c.call("CLUSTER", "NODES").asString();
        BitSet slots = new BitSet();
        long config = 0;
        for (String line : nodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8 || !f[2].contains("myself")) continue;
            config = Long.parseLong(f[6]);
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) continue;
                int dash = f[i].indexOf('-');
                int a = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
                int b = dash < 0 ? a : Integer.parseInt(f[i].substring(dash + 1));
                slots.set(a, b + 1);
            }
        }
        return new State(id, null, current, config, slots);
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r\n")) if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1));
        throw new AssertionError("no " + name + " in " + info);
    }
}
