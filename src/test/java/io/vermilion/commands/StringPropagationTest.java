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
 * What string commands hand to the AOF and replicas: Redis rewrites commands whose replay would
 * not be deterministic (relative TTLs, float arithmetic, read-and-delete) and so do we.
 */
class StringPropagationTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        StringCommands.register(server.commands());
        server.addPropagator((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
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
    void rewrites() {
        long now = clock.get();
        run("SET", "a", "1");
        run("SET", "b", "2", "EX", "10");
        run("SETEX", "c", "5", "3");
        run("PSETEX", "d", "700", "4");
        run("SET", "e", "5", "EXAT", "1800000000");
        run("GETEX", "a", "PX", "100");
        run("GETEX", "a", "PERSIST");
        run("GETEX", "a", "PERSIST");          // no TTL left: nothing changes, nothing propagated
        run("GETDEL", "b");
        run("GETSET", "c", "new");
        run("INCRBYFLOAT", "f", "1.5");
        run("GETEX", "e", "EXAT", "1");          // in the past: deletes
        assertThat(propagated).containsExactly(
                "SET a 1",
                "SET b 2 PXAT " + (now + 10_000),
                "SET c 3 PXAT " + (now + 5_000),
                "SET d 4 PXAT " + (now + 700),
                "SET e 5 PXAT 1800000000000",
                "PEXPIREAT a " + (now + 100),
                "PERSIST a",
                "DEL b",
                "SET c new",
                "SET f 1.5 KEEPTTL",
                "DEL e");
    }
}
