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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** SORT_RO over sorted sets (no ZADD yet in this build: values are put directly) and in cluster mode. */
class SortCommandsTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;

    private void start(Config config) {
        server = new Server(config, new Keyspace(16, clock::get));
        SetCommands.register(server.commands());
        SortCommands.register(server.commands());
        StringCommands.register(server.commands());
        out = Unpooled.buffer();
        client = server.newClient(null, new Reply(out));
    }

    private String run(String... argv) {
        byte[][] args = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) args[i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
        out.clear();
        server.dispatch(client, args);
        return out.toString(StandardCharsets.ISO_8859_1).replace("\r\n", " ").trim();
    }

    private ZSetValue zset(Object... scoreMember) {
        ZSetValue z = ZSetValue.newListpack();
        for (int i = 0; i < scoreMember.length; i += 2) {
            z.add(((Number) scoreMember[i]).doubleValue(), ((String) scoreMember[i + 1]).getBytes(StandardCharsets.ISO_8859_1),
                    0, 128, 64, new double[1]);
        }
        return z;
    }

    @Test
    void sortedSetsSortByValueOrKeepTheirOrderWithNosort() {
        start(Config.defaults());
        ZSetValue z = zset(1, "c", 2, "a", 3, "b", 4, "10");
        client.db().put("z".getBytes(StandardCharsets.US_ASCII), z, false);
        assertThat(z.encoding()).isEqualTo("listpack");
        assertThat(run("SORT_RO", "z", "ALPHA")).isEqualTo("*4 $2 10 $1 a $1 b $1 c");
        // SORT converts a listpack sorted set to a skiplist, as Redis does
        assertThat(z.encoding()).isEqualTo("skiplist");
        assertThat(run("SORT_RO", "z", "BY", "nosort")).isEqualTo("*4 $1 c $1 a $1 b $2 10");
        assertThat(run("SORT_RO", "z", "BY", "nosort", "DESC")).isEqualTo("*4 $2 10 $1 b $1 a $1 c");
        assertThat(run("SORT_RO", "z", "BY", "nosort", "LIMIT", "1", "2")).isEqualTo("*2 $1 a $1 b");
        assertThat(run("SORT_RO", "z", "BY", "nosort", "LIMIT", "1", "2", "DESC")).isEqualTo("*2 $1 b $1 a");
        assertThat(run("SORT_RO", "z", "BY", "nosort", "LIMIT", "9", "2")).isEqualTo("*0");
        assertThat(run("SORT_RO", "z")).isEqualTo("-ERR One or more scores can't be converted into double");
        run("SET", "w_c", "3");
        run("SET", "w_a", "1");
        run("SET", "w_b", "2");
        run("SET", "w_10", "0");
        assertThat(run("SORT_RO", "z", "BY", "w_*", "GET", "#", "GET", "w_*"))
                .isEqualTo("*8 $2 10 $1 0 $1 a $1 1 $1 b $1 2 $1 c $1 3");
    }

    @Test
    void patternsAreDeniedInClusterMode() throws Exception {
        start(Config.fromCommandLine(List.of("--cluster-enabled", "yes")));
        run("SADD", "s", "2", "1");
        assertThat(run("SORT_RO", "s", "BY", "w_*")).isEqualTo("-ERR BY option of SORT denied in Cluster mode.");
        assertThat(run("SORT_RO", "s", "GET", "#")).isEqualTo("-ERR GET option of SORT denied in Cluster mode.");
        assertThat(run("SORT_RO", "s", "BY", "nosort")).isEqualTo("*2 $1 1 $1 2");
        assertThat(run("SORT_RO", "s")).isEqualTo("*2 $1 1 $1 2");
        // options are checked in order: a syntax error first wins
        assertThat(run("SORT_RO", "s", "foo", "GET", "#")).isEqualTo("-ERR syntax error");
    }

    @Test
    void sortKeysFindsTheLastStore() {
        var keys = SortCommands.sortKeys(new byte[][] {"SORT".getBytes(), "k".getBytes(), "STORE".getBytes(), "a".getBytes(),
                "LIMIT".getBytes(), "0".getBytes(), "1".getBytes(), "GET".getBytes(), "store".getBytes(), "STORE".getBytes(),
                "b".getBytes()});
        assertThat(keys).extracting(k -> k.pos()).containsExactly(1, 10);
        assertThat(keys.get(1).flags()).containsExactly("OW", "UPDATE");
    }

    @Test
    void storeMakesAListAndPropagatesAsIssued() {
        start(Config.defaults());
        ListCommands.register(server.commands());
        List<String> propagated = new java.util.ArrayList<>();
        server.addPropagator((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
            propagated.add(sb.toString());
        });
        run("SADD", "s", "b", "c", "a");
        assertThat(run("SORT", "s", "BY", "nosort", "STORE", "d")).isEqualTo(":3");
        Object d = client.db().peek("d".getBytes(StandardCharsets.US_ASCII));
        assertThat(d).isInstanceOf(io.vermilion.types.QuickList.class);
        assertThat(run("LRANGE", "d", "0", "-1")).isEqualTo("*3 $1 a $1 b $1 c");
        // reading SORTs change nothing and are not propagated
        run("SORT", "s", "ALPHA");
        run("SORT_RO", "s", "ALPHA");
        // an empty result deletes the destination (propagated); deleting nothing is not
        assertThat(run("SORT", "nokey", "STORE", "d")).isEqualTo(":0");
        assertThat(client.db().peek("d".getBytes(StandardCharsets.US_ASCII))).isNull();
        run("SORT", "nokey", "STORE", "d");
        assertThat(propagated).containsExactly(
                "SADD s b c a",
                "SORT s BY nosort STORE d",
                "SORT nokey STORE d");
    }
}
