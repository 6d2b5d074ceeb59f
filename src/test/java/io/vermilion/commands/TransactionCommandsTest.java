package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WATCH seen from two connections (a change by another client, by expiry, by a flush of the
 * other database...) and what EXEC hands to the AOF and replicas: one write alone, several
 * wrapped in MULTI/EXEC, as Redis 7.0.
 */
class TransactionCommandsTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Conn a, b;
    private final List<String> propagated = new ArrayList<>();

    private final class Conn {
        final ByteBuf out = Unpooled.buffer();
        final Client client = server.newClient(null, new Reply(out));

        String run(String... argv) {
            byte[][] args = new byte[argv.length][];
            for (int i = 0; i < argv.length; i++) args[i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
            out.clear();
            assertThat(server.dispatch(client, args)).isTrue();
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        StringCommands.register(server.commands());
        KeyCommands.register(server.commands());
        ServerCommands.register(server.commands());
        ConnectionCommands.register(server.commands());
        TransactionCommands.register(server.commands());
        server.addPropagator((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] x : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(x, StandardCharsets.ISO_8859_1));
            propagated.add(sb.toString());
        });
        a = new Conn();
        b = new Conn();
    }

    /** WATCH k on a, then {@code change} on b; a's transaction must fail (or not) accordingly. */
    private void assertWatch(String key, boolean aborts, String... change) {
        assertThat(a.run("WATCH", key)).isEqualTo("+OK\r\n");
        if (change.length > 0) b.run(change);
        a.run("MULTI");
        assertThat(a.run("PING")).isEqualTo("+QUEUED\r\n");
        assertThat(a.run("EXEC")).isEqualTo(aborts ? "*-1\r\n" : "*1\r\n+PONG\r\n");
        assertThat(server.keyspace().db(0).watchedKeys()).isZero();
    }

    @Test
    void watchSeesOtherClientsWrites() {
        a.run("SET", "k", "v");
        assertWatch("k", false);
        assertWatch("k", false, "GET", "k");
        assertWatch("k", true, "SET", "k", "v");
        assertWatch("k", true, "APPEND", "k", "x");
        assertWatch("k", true, "APPEND", "k", "y");       // in place on a raw string
        assertWatch("k", true, "SETRANGE", "k", "0", "z");
        assertWatch("k", true, "EXPIRE", "k", "100");
        assertWatch("k", true, "PERSIST", "k");
        assertWatch("k", false, "PERSIST", "k");            // no TTL: nothing changed
        assertWatch("k", true, "RENAME", "k", "k2");
        assertWatch("k", true, "RENAME", "k2", "k");       // the destination is touched too
        assertWatch("k", true, "DEL", "k");
        assertWatch("k", false, "DEL", "k");                // already absent
        assertWatch("k", true, "INCR", "k");
        assertWatch("k", true, "FLUSHDB");
        assertWatch("k", false, "FLUSHDB");                 // flushing an absent key is no change
        b.run("SET", "k", "back");
        assertWatch("k", true, "FLUSHALL");
    }

    @Test
    void watchAcrossDatabases() {
        b.run("SELECT", "1");
        b.run("SET", "k", "in1");
        assertWatch("k", false, "SET", "k", "again-in-1"); // a watches db 0
        assertWatch("k", true, "SWAPDB", "0", "1");        // k now exists in db 0
        assertWatch("k", false, "MOVE", "k", "0");          // b's db 1 has no k any more
        b.run("SELECT", "0");
        assertWatch("k", true, "MOVE", "k", "1");           // moves the watched key away
    }

    @Test
    void watchAndExpiry() {
        a.run("SET", "e", "1", "PX", "100");
        a.run("WATCH", "e");
        clock.addAndGet(200);                               // expired but not yet deleted
        a.run("MULTI");
        a.run("PING");
        assertThat(a.run("EXEC")).isEqualTo("*-1\r\n");

        // Watched while already expired: its deletion by expiry later is no change.
        a.run("SET", "e", "1", "PX", "100");
        server.keyspace().expiryEnabled(false);
        clock.addAndGet(200);
        server.keyspace().expiryEnabled(true);
        a.run("WATCH", "e");
        b.run("GET", "e");                                  // lazy expiry deletes it
        a.run("MULTI");
        a.run("PING");
        assertThat(a.run("EXEC")).isEqualTo("*1\r\n+PONG\r\n");
    }

    @Test
    void disconnectAndResetDropWatches() {
        a.run("WATCH", "x", "y");
        assertThat(server.keyspace().db(0).watchedKeys()).isEqualTo(2);
        b.run("WATCH", "x");
        server.removeClient(a.client);
        assertThat(server.keyspace().db(0).watchedKeys()).isEqualTo(1);
        b.run("MULTI");
        b.run("SET", "q", "1");
        assertThat(b.client.multiQueued()).isEqualTo(1);
        assertThat(b.client.flagString()).contains("x");
        assertThat(b.run("RESET")).isEqualTo("+RESET\r\n");
        assertThat(b.client.multiQueued()).isEqualTo(-1);
        assertThat(server.keyspace().db(0).watchedKeys()).isZero();
        assertThat(b.run("EXEC")).startsWith("-ERR EXEC without MULTI");
        assertThat(b.run("EXISTS", "q")).isEqualTo(":0\r\n");
    }

    @Test
    void execPropagationIsWrappedWhenSeveralWrites() {
        a.run("MULTI");
        a.run("SET", "p", "1");
        a.run("GET", "p");
        a.run("EXEC");
        assertThat(propagated).containsExactly("SET p 1");
        propagated.clear();

        a.run("MULTI");
        a.run("SET", "p", "2", "EX", "10");
        a.run("GET", "p");
        a.run("INCR", "n");
        a.run("INCR", "m");
        assertThat(a.run("EXEC")).isEqualTo("*4\r\n+OK\r\n$1\r\n2\r\n:1\r\n:1\r\n");
        assertThat(propagated).containsExactly("MULTI", "SET p 2 PXAT " + (clock.get() + 10_000), "INCR n",
                "INCR m", "EXEC");
        propagated.clear();

        a.run("MULTI");
        a.run("GET", "p");
        a.run("EXEC");
        assertThat(propagated).isEmpty();

        // Aborted transactions propagate nothing.
        a.run("MULTI");
        a.run("SET", "p", "3");
        a.run("NOSUCH");
        assertThat(a.run("EXEC")).startsWith("-EXECABORT Transaction discarded because of previous errors.");
        assertThat(propagated).isEmpty();
    }

    @Test
    void commandStatsCountInnerCommandsNotExecFailures() {
        a.run("SET", "s", "notint");
        a.run("MULTI");
        a.run("INCR", "s");
        assertThat(a.run("EXEC")).startsWith("*1\r\n-ERR value is not an integer");
        assertThat(server.commands().lookup("exec".getBytes()).failedCalls()).isZero();
        assertThat(server.commands().lookup("incr".getBytes()).failedCalls()).isEqualTo(1);
    }
}
