package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.types.Hash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the hash commands hand to the AOF and replicas, how many changes they count, and that
 * in-place changes reach WATCH; the reply bytes themselves are covered by diff/hashes.txt.
 */
class HashCommandsTest {
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
        HashCommands.register(server.commands());
        StringCommands.register(server.commands());
        KeyCommands.register(server.commands());
        TransactionCommands.register(server.commands());
        server.addPropagator((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] x : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(x, StandardCharsets.ISO_8859_1));
            propagated.add(sb.toString());
        });
        a = new Conn();
        b = new Conn();
    }

    @Test
    void propagation() {
        a.run("HSET", "h", "a", "1", "b", "2");
        a.run("HSET", "h", "a", "1");                 // no new field, still a write
        a.run("HSETNX", "h", "a", "x");               // nothing changes: not propagated
        a.run("HSETNX", "h", "c", "3");
        a.run("HINCRBY", "h", "n", "5");
        a.run("HINCRBYFLOAT", "h", "f", "1.5");
        a.run("HINCRBYFLOAT", "h", "f", "0.25");
        a.run("HINCRBYFLOAT", "h", "a", "abc");       // error: nothing
        a.run("HDEL", "h", "nosuch");                 // nothing deleted: nothing
        a.run("HDEL", "h", "a", "b");
        a.run("HMSET", "h", "z", "26");
        a.run("HGET", "h", "z");
        assertThat(propagated).containsExactly(
                "HSET h a 1 b 2",
                "HSET h a 1",
                "HSETNX h c 3",
                "HINCRBY h n 5",
                "HSET h f 1.5",
                "HSET h f 1.75",
                "HDEL h a b",
                "HMSET h z 26");
    }

    @Test
    void dirtyCounts() {
        long d0 = server.dirty();
        a.run("HSET", "h", "a", "1", "b", "2", "a", "3");
        assertThat(server.dirty() - d0).isEqualTo(3);
        a.run("HDEL", "h", "a", "b", "x");
        assertThat(server.dirty() - d0).isEqualTo(5);
        assertThat(a.run("EXISTS", "h")).isEqualTo(":0\r\n");
    }

    @Test
    void inPlaceChangesInvalidateWatch() {
        a.run("HSET", "h", "a", "1");
        String[][] writes = {
            {"HSET", "h", "a", "2"}, {"HSETNX", "h", "b", "1"}, {"HINCRBY", "h", "a", "1"},
            {"HINCRBYFLOAT", "h", "a", "1"}, {"HDEL", "h", "b"}, {"HMSET", "h", "c", "1"}
        };
        for (String[] w : writes) {
            a.run("WATCH", "h");
            b.run(w);
            a.run("MULTI");
            a.run("HGET", "h", "a");
            assertThat(a.run("EXEC")).as(String.join(" ", w)).isEqualTo("*-1\r\n");
        }
        // A command that changes nothing leaves the transaction alone.
        a.run("WATCH", "h");
        b.run("HSETNX", "h", "a", "x");
        b.run("HDEL", "h", "nosuch");
        b.run("HINCRBY", "h", "a", "x");
        a.run("MULTI");
        a.run("HLEN", "h");
        assertThat(a.run("EXEC")).isEqualTo("*1\r\n:2\r\n");
    }

    @Test
    void emptiedHashIsDeletedAndWrongTypeLeavesNoKey() {
        a.run("HSET", "h", "a", "1");
        assertThat(a.run("HDEL", "h", "a", "a")).isEqualTo(":1\r\n");
        assertThat(a.run("EXISTS", "h")).isEqualTo(":0\r\n");
        assertThat(a.run("HINCRBYFLOAT", "n", "f", "x")).startsWith("-ERR value is not a valid float");
        assertThat(a.run("EXISTS", "n")).isEqualTo(":0\r\n");
        assertThat(a.run("HSET", "n", "f")).startsWith("-ERR wrong number of arguments for 'hset' command");
        assertThat(a.run("HMSET", "n", "f")).startsWith("-ERR wrong number of arguments for 'hmset' command");
        assertThat(a.run("EXISTS", "n")).isEqualTo(":0\r\n");
    }

    @Test
    void thresholdsAreReadAtWriteTime() throws Exception {
        a.run("HSET", "h", "a", "1", "b", "2");
        server.config().set(List.of("hash-max-listpack-entries", "2"));
        Hash h = (Hash) server.keyspace().db(0).peek("h".getBytes(StandardCharsets.US_ASCII));
        assertThat(h.encoding()).isEqualTo("listpack");
        a.run("HSET", "h", "c", "3");
        assertThat(h.encoding()).isEqualTo("hashtable");
        assertThat(a.run("HLEN", "h")).isEqualTo(":3\r\n");
    }
}
