package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.types.Types;
import io.vermilion.types.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Geo commands on a server without sockets: what they store, what they reply, and what they hand
 * to the AOF and replicas (GEOADD as the ZADD Redis runs in its place; the store forms verbatim;
 * nothing when nothing changed). The expected propagation was read from redis-server 7.0.15's AOF.
 */
class GeoCommandsTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        StringCommands.register(server.commands());
        GeoCommands.register(server.commands());
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

    private Object value(String key) {
        return client.db().peek(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void propagation() {
        assertThat(run("geoadd", "k", "ch", "nx", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"))
                .isEqualTo(":2\r\n");
        assertThat(run("GEOADD", "k", "13.361389", "38.115556", "Palermo")).isEqualTo(":0\r\n");
        assertThat(run("GEOADD", "k", "500", "0", "x")).startsWith("-ERR invalid longitude,latitude pair 500.000000,");
        assertThat(run("geosearchstore", "d", "k", "fromlonlat", "15", "37", "byradius", "200", "km", "storedist"))
                .isEqualTo(":2\r\n");
        assertThat(run("GEOSEARCH", "k", "fromlonlat", "15", "37", "byradius", "200", "km")).startsWith("*2\r\n");
        assertThat(run("georadius", "k", "15", "37", "200", "km", "store", "d2")).isEqualTo(":2\r\n");
        assertThat(run("georadius", "k", "0", "0", "1", "km", "store", "d2")).isEqualTo(":0\r\n");   // deletes d2
        assertThat(run("GEOSEARCHSTORE", "d3", "k", "fromlonlat", "0", "0", "byradius", "1", "km")).isEqualTo(":0\r\n");
        assertThat(propagated).containsExactly(
                "zadd k ch nx 3479099956230698 Palermo 3479447370796909 Catania",
                "geosearchstore d k fromlonlat 15 37 byradius 200 km storedist",
                "georadius k 15 37 200 km store d2",
                "georadius k 0 0 1 km store d2");
        assertThat(value("d2")).isNull();
        assertThat(value("d3")).isNull();
    }

    @Test
    void storesDistancesOrHashes() {
        run("GEOADD", "k", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        run("GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST");
        ZSetValue d = (ZSetValue) value("d");
        assertThat(d.score("Catania".getBytes())).isEqualTo(56.441257870158204);
        assertThat(d.score("Palermo".getBytes())).isEqualTo(190.44242984775784);
        run("GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
        d = (ZSetValue) value("d");
        assertThat(d.score("Palermo".getBytes())).isEqualTo(3479099956230698.0);
        assertThat(Types.encoding(d)).isEqualTo("listpack");
    }

    @Test
    void storedSetFollowsTheListpackLimits() throws Exception {
        server.config().set(List.of("zset-max-listpack-entries", "1"));
        run("GEOADD", "k", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        assertThat(Types.encoding(value("k"))).isEqualTo("skiplist");
        run("GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "1");
        assertThat(Types.encoding(value("d"))).isEqualTo("listpack");
        run("GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
        assertThat(Types.encoding(value("d"))).isEqualTo("skiplist");
    }

    /** Searches walk the zset in chunks: equal scores across a chunk boundary are neither lost nor repeated. */
    @Test
    void searchWalksLargeCellsCompletely() {
        List<String> args = new ArrayList<>(List.of("GEOADD", "k"));
        for (int i = 0; i < 300; i++) args.addAll(List.of("13", "38", String.format("same%03d", i)));
        for (int i = 0; i < 300; i++) args.addAll(List.of("13." + (1000 + i), "38", String.format("near%03d", i)));
        run(args.toArray(new String[0]));
        assertThat(Types.encoding(value("k"))).isEqualTo("skiplist");
        String all = run("GEOSEARCH", "k", "FROMLONLAT", "13", "38", "BYRADIUS", "50", "km");
        assertThat(all).startsWith("*600\r\n");
        for (int i = 0; i < 300; i++) {
            String same = String.format("$7\r\nsame%03d\r\n", i), near = String.format("$7\r\nnear%03d\r\n", i);
            assertThat(all.indexOf(same)).isEqualTo(all.lastIndexOf(same)).isPositive();
            assertThat(all.indexOf(near)).isEqualTo(all.lastIndexOf(near)).isPositive();
        }
        // ANY stops as soon as it has enough: the first 200 in zset order, all at the same place.
        String any = run("GEOSEARCH", "k", "FROMLONLAT", "13", "38", "BYRADIUS", "50", "km", "COUNT", "200", "ANY");
        assertThat(any).startsWith("*200\r\n$7\r\nsame000\r\n").endsWith("$7\r\nsame199\r\n");
    }

    @Test
    void replies() {
        run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        assertThat(run("GEODIST", "Sicily", "Palermo", "Catania", "km")).isEqualTo("$8\r\n166.2742\r\n");
        assertThat(run("GEOHASH", "Sicily", "Palermo", "x")).isEqualTo("*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n");
        assertThat(run("GEOPOS", "Sicily", "Palermo", "x"))
                .isEqualTo("*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n");
        assertThat(run("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHHASH", "WITHCOORD", "ASC"))
                .isEqualTo("*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
                        + "*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n"
                        + "*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
                        + "*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n");
        assertThat(run("geosearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"))
                .isEqualTo("-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch\r\n");
        assertThat(run("GEOSEARCH", "Sicily", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"))
                .isEqualTo("-ERR could not decode requested zset member\r\n");
        run("SET", "s", "v");
        assertThat(run("GEOPOS", "s", "a")).startsWith("-WRONGTYPE");
        assertThat(run("GEOSEARCHSTORE", "s", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"))
                .isEqualTo(":2\r\n");   // the destination is overwritten whatever it held
        assertThat(Types.name(value("s"))).isEqualTo("zset");
    }
}
