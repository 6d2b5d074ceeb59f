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
 * What the keyspace commands do beyond their replies, seen through a real Server and an internal
 * client (as AOF loading uses): what they propagate to AOF/replicas, the dirty counter, and the
 * keyspace hit/miss statistics. Replies themselves are covered by the differential scripts.
 */
class KeyCommandsTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        ConnectionCommands.register(server.commands());
        StringCommands.register(server.commands());
        KeyCommands.register(server.commands());
        server.addPropagator((db, argv) -> {
            StringBuilder sb = new StringBuilder().append(db).append(':');
            for (byte[] a : argv) sb.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
            propagated.add(sb.toString());
        });
        out = Unpooled.buffer();
        client = server.newClient(null, new Reply(out));
    }

    private String run(String... argv) {
        byte[][] args = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) args[i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
        out.clear();
        assertThat(server.dispatch(client, args)).isTrue();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void relativeExpiresPropagateAsAbsolutePexpireat() {
        run("SET", "k", "v");
        propagated.clear();
        long now = clock.get();
        assertThat(run("EXPIRE", "k", "100")).isEqualTo(":1\r\n");
        assertThat(run("PEXPIRE", "k", "5000", "LT")).isEqualTo(":1\r\n");
        assertThat(run("EXPIREAT", "k", "4102444800", "gt")).isEqualTo(":1\r\n");
        assertThat(run("PEXPIREAT", "k", "4102444800123")).isEqualTo(":1\r\n");
        assertThat(propagated).containsExactly(
                "0: PEXPIREAT k " + (now + 100_000),
                "0: PEXPIREAT k " + (now + 5000) + " LT",
                "0: PEXPIREAT k 4102444800000 gt",
                "0: PEXPIREAT k 4102444800123");
    }

    @Test
    void expiresInThePastPropagateAsDel() {
        run("SET", "k", "v");
        run("SELECT", "3");
        run("SET", "k", "v");
        propagated.clear();
        assertThat(run("EXPIRE", "k", "-5")).isEqualTo(":1\r\n");
        assertThat(run("EXISTS", "k")).isEqualTo(":0\r\n");
        run("SELECT", "0");
        assertThat(run("PEXPIREAT", "k", "0")).isEqualTo(":1\r\n");
        assertThat(propagated).containsExactly("3: DEL k", "0: DEL k");
    }

    @Test
    void refusedOrFailedCommandsPropagateNothing() {
        run("SET", "k", "v");
        propagated.clear();
        long dirty = server.dirty();
        run("EXPIRE", "k", "100", "XX");
        run("EXPIRE", "nokey", "100");
        run("EXPIRE", "k", "abc");
        run("PERSIST", "k");
        run("RENAME", "k", "k");
        run("RENAMENX", "k", "k");
        run("COPY", "nokey", "x");
        run("MOVE", "nokey", "1");
        run("DEL", "nokey");
        run("TOUCH", "k");
        assertThat(propagated).isEmpty();
        assertThat(server.dirty()).isEqualTo(dirty);
    }

    @Test
    void writesPropagateAsSentAndCountDirty() {
        run("SET", "a", "1");
        run("SET", "b", "2");
        propagated.clear();
        long dirty = server.dirty();
        run("DEL", "a", "b", "c");
        run("SET", "a", "1");
        run("RENAME", "a", "b");
        run("COPY", "b", "c", "DB", "2");
        run("MOVE", "b", "1");
        run("SWAPDB", "1", "2");
        run("SET", "e", "v", "EX", "100");
        run("PERSIST", "e");
        assertThat(propagated).containsExactly("0: DEL a b c", "0: SET a 1", "0: RENAME a b", "0: COPY b c DB 2",
                "0: MOVE b 1", "0: SWAPDB 1 2", "0: SET e v PXAT 1700000100000", "0: PERSIST e");
        assertThat(server.dirty() - dirty).isEqualTo(2 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
    }

    @Test
    void readLookupsCountHitsAndMissesLikeRedis() {
        run("SET", "a", "1");
        Keyspace.Stats st = server.keyspace().stats();
        long hits = st.keyspaceHits, misses = st.keyspaceMisses;
        run("EXISTS", "a", "nokey");    // +1 +1
        run("TYPE", "a");               // +1
        run("TTL", "nokey");            // miss
        run("PEXPIRETIME", "a");        // +1
        run("TOUCH", "a", "a", "x");    // +2 +1
        run("OBJECT", "ENCODING", "a"); // +1
        run("COPY", "a", "b");          // +1
        run("SCAN", "0", "TYPE", "string"); // a and b: +2
        assertThat(st.keyspaceHits - hits).isEqualTo(1 + 1 + 1 + 2 + 1 + 1 + 2);
        assertThat(st.keyspaceMisses - misses).isEqualTo(1 + 1 + 1);
        // writes, deletions and listings do not count
        hits = st.keyspaceHits;
        misses = st.keyspaceMisses;
        run("EXPIRE", "a", "100");
        run("PERSIST", "a");
        run("RENAME", "a", "c");
        run("MOVE", "c", "1");
        run("DEL", "b", "zz");
        run("KEYS", "*");
        run("SCAN", "0");
        run("RANDOMKEY");
        assertThat(st.keyspaceHits).isEqualTo(hits);
        assertThat(st.keyspaceMisses).isEqualTo(misses);
    }

    @Test
    void scanPagesThroughSlotsWithCursors() {
        for (int i = 0; i < 300; i++) run("SET", "key:" + i, "v");
        List<String> seen = new ArrayList<>();
        String cursor = "0";
        int calls = 0;
        do {
            String reply = run("SCAN", cursor, "COUNT", "7");
            String[] lines = reply.split("\r\n");
            cursor = lines[2];
            int n = Integer.parseInt(lines[3].substring(1));
            assertThat(n).isGreaterThanOrEqualTo(cursor.equals("0") ? 0 : 7);
            for (int j = 0; j < n; j++) seen.add(lines[5 + 2 * j]);
            calls++;
        } while (!cursor.equals("0"));
        assertThat(seen).hasSize(300).doesNotHaveDuplicates();
        assertThat(calls).isBetween(300 / 14, 300 / 7 + 1);
    }

    @Test
    void expiredKeysGoAtTheirTime() {
        run("SET", "k", "v", "PX", "1500");
        assertThat(run("PTTL", "k")).isEqualTo(":1500\r\n");
        assertThat(run("TTL", "k")).isEqualTo(":2\r\n"); // rounded to the nearest second
        clock.addAndGet(1000);
        assertThat(run("TTL", "k")).isEqualTo(":1\r\n");
        clock.addAndGet(499);
        assertThat(run("PTTL", "k")).isEqualTo(":1\r\n");
        clock.addAndGet(1);
        propagated.clear();
        assertThat(run("TTL", "k")).isEqualTo(":-2\r\n");
        assertThat(server.keyspace().stats().expiredKeys).isEqualTo(1);
    }

    @Test
    void swapdbIsSeenByClientsOfBothDatabases() {
        Client other = server.newClient(null, new Reply(Unpooled.buffer()));
        other.select(5);
        run("SET", "k", "from0");
        run("SWAPDB", "0", "5");
        assertThat(other.db().get("k".getBytes(StandardCharsets.US_ASCII))).isNotNull();
        assertThat(run("EXISTS", "k")).isEqualTo(":0\r\n");
    }
}
