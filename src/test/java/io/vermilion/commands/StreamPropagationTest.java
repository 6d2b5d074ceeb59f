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
 * What stream commands hand to the AOF and replicas, as Redis 7.0: XADD with the generated ID and
 * approximate trimming made exact; XREADGROUP, XCLAIM and XAUTOCLAIM as XCLAIM / XGROUP SETID /
 * XGROUP CREATECONSUMER (several wrapped in MULTI/EXEC) and never themselves.
 */
class StreamPropagationTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        StreamCommands.register(server.commands());
        TransactionCommands.register(server.commands());
        KeyCommands.register(server.commands());
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
    void xaddPropagatesTheGeneratedIdAndExactTrimming() {
        long now = clock.get();
        assertThat(run("XADD", "s", "*", "a", "1")).isEqualTo("$15\r\n" + now + "-0\r\n");
        assertThat(run("XADD", "s", "*", "a", "2")).isEqualTo("$15\r\n" + now + "-1\r\n");
        run("XADD", "s", now + "-*", "a", "3");
        run("XADD", "s", "9999999999999-5", "a", "4");
        run("XADD", "s", "MAXLEN", "~", "100", "*", "a", "5");
        run("XADD", "s", "MINID", "~", "0", "*", "a", "6");
        run("XADD", "s", "MAXLEN", "=", "3", "9999999999999-9", "a", "7");
        run("XTRIM", "s", "MAXLEN", "~", "1");      // removes nothing (one node): nothing propagated
        run("XTRIM", "s", "MAXLEN", "~", "0");      // the whole node goes: propagated exact
        run("XTRIM", "s", "MAXLEN", "0");           // already empty: nothing
        run("XADD", "s", "NOMKSTREAM", "1-1", "a", "1");   // an error: nothing propagated
        assertThat(propagated).containsExactly(
                "XADD s " + now + "-0 a 1",
                "XADD s " + now + "-1 a 2",
                "XADD s " + now + "-2 a 3",
                "XADD s 9999999999999-5 a 4",
                "XADD s MAXLEN = 5 9999999999999-6 a 5",
                "XADD s MINID = " + now + "-0 9999999999999-7 a 6",
                "XADD s MAXLEN = 3 9999999999999-9 a 7",
                "XTRIM s MAXLEN = 0");
    }

    @Test
    void xreadgroupPropagatesClaimsAndGroupIds() {
        long now = clock.get();
        run("XADD", "s", "1-1", "a", "1");
        run("XADD", "s", "1-2", "a", "2");
        run("XGROUP", "CREATE", "s", "g", "0");
        propagated.clear();
        run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">");
        assertThat(propagated).containsExactly(
                "XCLAIM s g alice 0 1-1 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1");
        propagated.clear();
        run("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0");   // history, a new consumer: nothing
        assertThat(propagated).isEmpty();
        run("XADD", "s", "1-3", "a", "3");
        propagated.clear();
        run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
        assertThat(propagated).containsExactly(
                "MULTI",
                "XCLAIM s g alice 0 1-2 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-2",
                "XCLAIM s g alice 0 1-3 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-3",
                "EXEC");
        run("XADD", "s", "1-4", "a", "4");
        propagated.clear();
        run("XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">");
        assertThat(propagated).containsExactly(
                "MULTI",
                "XGROUP CREATECONSUMER s g carol",
                "XGROUP SETID s g 1-4 ENTRIESREAD 4",
                "EXEC");
        propagated.clear();
        run("XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">");   // nothing new
        assertThat(propagated).isEmpty();
    }

    @Test
    void claimsPropagateAsForcedClaims() {
        long now = clock.get();
        run("XADD", "s", "1-1", "a", "1");
        run("XADD", "s", "1-2", "a", "2");
        run("XGROUP", "CREATE", "s", "g", "0");
        run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
        clock.addAndGet(5000);
        propagated.clear();
        run("XCLAIM", "s", "g", "bob", "1000", "1-1", "RETRYCOUNT", "9");
        assertThat(propagated).containsExactly(
                "XCLAIM s g bob 0 1-1 TIME " + (now + 5000) + " RETRYCOUNT 9 FORCE JUSTID LASTID 1-2");
        propagated.clear();
        run("XCLAIM", "s", "g", "bob", "0", "9-9", "LASTID", "5-5");
        assertThat(propagated).containsExactly("XGROUP SETID s g 5-5 ENTRIESREAD 2");
        run("XDEL", "s", "1-2");
        propagated.clear();
        assertThat(run("XAUTOCLAIM", "s", "g", "carol", "0", "0", "JUSTID"))
                .isEqualTo("*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n1-1\r\n*1\r\n$3\r\n1-2\r\n");
        assertThat(propagated).containsExactly(
                "MULTI",
                "XCLAIM s g carol 0 1-1 TIME " + (now + 5000) + " RETRYCOUNT 9 FORCE JUSTID LASTID 5-5",
                "XCLAIM s g alice 0 1-2 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 5-5",
                "EXEC");
    }

    @Test
    void insideExecEverythingIsOneTransaction() {
        run("XADD", "s", "1-1", "a", "1");
        run("XADD", "s", "1-2", "a", "2");
        run("XGROUP", "CREATE", "s", "g", "0");
        propagated.clear();
        run("MULTI");
        run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
        run("XACK", "s", "g", "1-1");
        run("EXEC");
        long now = clock.get();
        assertThat(propagated).containsExactly(
                "MULTI",
                "XCLAIM s g alice 0 1-1 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
                "XCLAIM s g alice 0 1-2 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-2",
                "XACK s g 1-1",
                "EXEC");
    }

    @Test
    void writesInvalidateWatchAsRedisSignalsThem() {
        Client other = server.newClient(null, new Reply(Unpooled.buffer()));
        run("XADD", "s", "1-1", "a", "1");
        run("WATCH", "s");
        server.dispatch(other, new byte[][] {"XADD".getBytes(), "s".getBytes(), "2-1".getBytes(), "a".getBytes(), "1".getBytes()});
        run("MULTI");
        run("XLEN", "s");
        assertThat(run("EXEC")).isEqualTo("*-1\r\n");
    }
}
