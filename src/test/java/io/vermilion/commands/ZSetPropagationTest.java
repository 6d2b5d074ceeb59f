package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.types.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What sorted-set writes hand to the AOF and replicas, and the AOF-rewrite form of a zset. */
class ZSetPropagationTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        ZSetCommands.register(server.commands());
        StringCommands.register(server.commands());
        server.addPropagator((db, argv) -> propagated.add(join(argv)));
        out = Unpooled.buffer();
        client = server.newClient(null, new Reply(out));
    }

    private static String join(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
        return sb.toString();
    }

    private String run(String... argv) {
        byte[][] args = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) args[i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
        out.clear();
        assertThat(server.dispatch(client, args)).isTrue();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void propagation() {
        assertThat(run("ZADD", "z", "1", "a", "2", "b", "3", "c")).isEqualTo(":3\r\n");
        run("ZADD", "z", "1", "a");                 // no change: not propagated
        run("ZADD", "z", "XX", "1", "nosuch");      // no change
        run("ZINCRBY", "z", "1.5", "a");
        run("ZREM", "z", "nosuch");                 // no change
        run("ZREM", "z", "c");
        assertThat(run("ZMPOP", "1", "z", "MIN", "COUNT", "10")).startsWith("*2\r\n$1\r\nz\r\n*2\r\n");
        run("ZPOPMIN", "nokey");
        run("ZADD", "z", "1", "a", "2", "b");
        run("ZPOPMAX", "z", "5");
        run("ZADD", "src", "1", "a");
        run("ZUNIONSTORE", "dst", "1", "src");
        run("ZINTERSTORE", "dst", "1", "nokey");    // deletes dst
        run("ZINTERSTORE", "dst", "1", "nokey");    // nothing to delete: not propagated
        run("ZRANGESTORE", "d2", "src", "0", "-1");
        run("ZREMRANGEBYSCORE", "src", "5", "6");   // nothing removed
        run("ZREMRANGEBYRANK", "src", "0", "-1");
        assertThat(propagated).containsExactly(
                "ZADD z 1 a 2 b 3 c",
                "ZINCRBY z 1.5 a",
                "ZREM z c",
                "ZPOPMIN z 2",
                "ZADD z 1 a 2 b",
                "ZPOPMAX z 5",
                "ZADD src 1 a",
                "ZUNIONSTORE dst 1 src",
                "ZINTERSTORE dst 1 nokey",
                "ZRANGESTORE d2 src 0 -1",
                "ZREMRANGEBYRANK src 0 -1");
        assertThat(server.keyspace().db(0).get("src".getBytes())).isNull();
    }

    @Test
    void rewriteEmitsZaddBatchesOf64() {
        for (boolean skiplist : new boolean[] {false, true}) {
            ZSetValue z = skiplist ? ZSetValue.newSkiplist() : ZSetValue.newListpack();
            for (int i = 0; i < 100; i++) z.add(i + 0.5, ("m" + i).getBytes(), 0, 1000, 64, null);
            z.add(0.1, "p".getBytes(), 0, 1000, 64, null);
            List<String> cmds = new ArrayList<>();
            z.rewrite("k".getBytes(), argv -> cmds.add(join(argv)));
            assertThat(cmds).hasSize(2);
            assertThat(cmds.get(0)).startsWith("ZADD k 0.10000000000000001 p 0.5 m0 1.5 m1 ");
            assertThat(cmds.get(0).split(" ")).hasSize(2 + 128);
            assertThat(cmds.get(1).split(" ")).hasSize(2 + 2 * 37);
            assertThat(cmds.get(1)).endsWith("99.5 m99");
        }
    }
}
