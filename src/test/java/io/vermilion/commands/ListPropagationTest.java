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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What list writes hand to the AOF and replicas: blocking commands served at once as their non-blocking form. */
class ListPropagationTest {
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16));
        ListCommands.register(server.commands());
        TransactionCommands.register(server.commands());
        server.addPropagator((db, argv) -> propagated.add(join(argv)));
        out = Unpooled.buffer();
        // An internal client may not block: blocking commands answer as on a timeout.
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
        assertThat(run("RPUSH", "l", "a", "b", "c", "d", "e", "f")).isEqualTo(":6\r\n");
        assertThat(run("LPUSHX", "nokey", "x")).isEqualTo(":0\r\n");       // no change: not propagated
        assertThat(run("BLPOP", "nokey", "l", "0")).isEqualTo("*2\r\n$1\r\nl\r\n$1\r\na\r\n");
        run("BRPOP", "l", "0");
        run("BLMOVE", "l", "m", "LEFT", "RIGHT", "0");
        run("BRPOPLPUSH", "l", "m", "0");
        assertThat(run("BLMPOP", "0", "2", "nokey", "l", "LEFT", "COUNT", "5")).isEqualTo("*2\r\n$1\r\nl\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
        assertThat(run("BLPOP", "nokey", "0")).isEqualTo("*-1\r\n");        // cannot block: a timeout, nothing propagated
        run("LMPOP", "1", "m", "RIGHT", "COUNT", "1");
        run("LTRIM", "m", "0", "-1");                                        // nothing removed: not propagated
        run("LREM", "m", "0", "zzz");
        run("LSET", "m", "0", "z");
        assertThat(propagated).containsExactly(
                "RPUSH l a b c d e f",
                "LPOP l",
                "RPOP l",
                "LMOVE l m LEFT RIGHT",
                "RPOPLPUSH l m",
                "LPOP l 2",
                "RPOP m 1",
                "LSET m 0 z");
    }
}
