package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.types.RedisSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Set commands: what they propagate, the values they leave, SSCAN over a hash table. */
class SetCommandsTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16, clock::get));
        SetCommands.register(server.commands());
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

    private RedisSet set(String key) {
        return (RedisSet) client.db().peek(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Set<String> bulks(String reply) {
        Set<String> out = new HashSet<>();
        String[] lines = reply.split("\r\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].startsWith("$")) out.add(lines[++i]);
        return out;
    }

    @Test
    void spopPropagatesSremsOrDel() {
        run("SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        propagated.clear();
        // CASE 2: few elements popped -> one SREM each, wrapped in MULTI/EXEC
        Set<String> popped = bulks(run("SPOP", "s", "2"));
        assertThat(popped).hasSize(2);
        assertThat(propagated).hasSize(4);
        assertThat(propagated.get(0)).isEqualTo("MULTI");
        assertThat(propagated.get(3)).isEqualTo("EXEC");
        Set<String> removed = new HashSet<>();
        for (String p : propagated.subList(1, 3)) {
            assertThat(p).startsWith("SREM s ");
            removed.add(p.substring(7));
        }
        assertThat(removed).isEqualTo(popped);
        assertThat(set("s").size()).isEqualTo(8);
        // CASE 3: most of the set popped -> the rest survives in a new set
        propagated.clear();
        popped = bulks(run("SPOP", "s", "7"));
        assertThat(popped).hasSize(7);
        assertThat(propagated).hasSize(9);
        assertThat(set("s").size()).isEqualTo(1);
        assertThat(set("s").encoding()).isEqualTo("intset");
        // single pop: SREM, the last one deletes the key
        propagated.clear();
        String last = bulks(run("SPOP", "s")).iterator().next();
        assertThat(propagated).containsExactly("SREM s " + last);
        assertThat(set("s")).isNull();
        // CASE 1: the whole set -> DEL
        run("SADD", "t", "a", "b");
        propagated.clear();
        assertThat(bulks(run("SPOP", "t", "5"))).containsExactlyInAnyOrder("a", "b");
        assertThat(propagated).containsExactly("DEL t");
        assertThat(set("t")).isNull();
        // nothing to pop: nothing propagated
        propagated.clear();
        run("SPOP", "t", "3");
        run("SPOP", "t");
        run("SPOP", "s", "0");
        assertThat(propagated).isEmpty();
    }

    @Test
    void spopCountOfOnePropagatesOneSremWithoutMulti() {
        run("SADD", "s", "a", "b", "c");
        propagated.clear();
        String m = bulks(run("SPOP", "s", "1")).iterator().next();
        assertThat(propagated).containsExactly("SREM s " + m);
    }

    @Test
    void writesPropagateAsIssuedAndOnlyWhenSomethingChanged() {
        run("SADD", "a", "1", "2");
        run("SADD", "a", "1");
        run("SREM", "a", "9");
        run("SMOVE", "a", "b", "1");
        run("SMOVE", "a", "b", "9");
        run("SINTERSTORE", "c", "a", "b");
        run("SUNIONSTORE", "d", "a", "b");
        run("SDIFFSTORE", "e", "nokey", "a");
        assertThat(propagated).containsExactly(
                "SADD a 1 2",
                "SMOVE a b 1",
                // an empty intersection into an absent key changes nothing: not propagated
                "SUNIONSTORE d a b");
    }

    @Test
    void storeReplacesAnyTypeAndDropsTheTtl() {
        run("SADD", "a", "x", "y");
        run("SADD", "dst", "1");
        run("PEXPIRE", "dst", "100000");
        assertThat(run("SUNIONSTORE", "dst", "a")).isEqualTo(":2\r\n");
        assertThat(run("PTTL", "dst")).isEqualTo(":-1\r\n");
        assertThat(set("dst").encoding()).isEqualTo("hashtable");
    }

    @Test
    void sscanOverAHashTableVisitsEveryMember() {
        List<String> args = new ArrayList<>(List.of("SADD", "h"));
        for (int i = 0; i < 1000; i++) args.add("m" + i);
        run(args.toArray(new String[0]));
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            String r = run("SSCAN", "h", cursor, "COUNT", "25");
            String[] lines = r.split("\r\n");
            cursor = lines[2];
            for (int i = 5; i < lines.length; i += 2) seen.add(lines[i]);
            calls++;
        } while (!cursor.equals("0"));
        assertThat(seen).hasSize(1000);
        assertThat(calls).isGreaterThan(10);
        // MATCH filters after the walk
        String r = run("SSCAN", "h", "0", "MATCH", "m99*", "COUNT", "100000");
        assertThat(bulks(r)).containsExactlyInAnyOrder("0", "m99", "m990", "m991", "m992", "m993", "m994", "m995",
                "m996", "m997", "m998", "m999");
    }

    @Test
    void srandmemberDistinctAndWithRepetition() {
        List<String> args = new ArrayList<>(List.of("SADD", "h"));
        for (int i = 0; i < 100; i++) args.add("m" + i);
        run(args.toArray(new String[0]));
        for (int count : new int[] {2, 20, 40, 90, 99}) {
            String r = run("SRANDMEMBER", "h", Integer.toString(count));
            assertThat(r).startsWith("*" + count + "\r\n");
            assertThat(bulks(r)).hasSize(count);
        }
        String r = run("SRANDMEMBER", "h", "-500");
        assertThat(r).startsWith("*500\r\n");
        run("SADD", "i", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        for (int count : new int[] {2, 3, 4, 9}) {
            assertThat(bulks(run("SRANDMEMBER", "i", Integer.toString(count)))).hasSize(count);
        }
        assertThat(set("h").size()).isEqualTo(100);
    }
}
