package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.Server;
import io.vermilion.types.Hll;
import io.vermilion.types.RedisValue;
import io.vermilion.types.Sds;
import io.vermilion.types.Strings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bitmap and HyperLogLog commands on an in-process server, for what the differential scripts
 * cannot see: what is propagated to the AOF/replicas (and what is not), dirty counting, how
 * values are stored, keyspace hit/miss counting, and WRONGTYPE against a non-string value (no
 * other type's commands are needed for that: the value is put in the keyspace directly).
 */
class BitHllCommandsTest {
    private Server server;
    private Client client;
    private ByteBuf out;
    private final List<String> propagated = new ArrayList<>();

    /** A value of another type. */
    static final class OtherType implements RedisValue {
        public String typeName() { return "list"; }
        public String encoding() { return "quicklist"; }
        public RedisValue copy() { return this; }
        public long size() { return 1; }
        public void rewrite(byte[] key, Consumer<byte[][]> o) {}
    }

    @BeforeEach
    void setUp() {
        server = new Server(Config.defaults(), new Keyspace(16));
        StringCommands.register(server.commands());
        BitCommands.register(server.commands());
        HllCommands.register(server.commands());
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
        return server.keyspace().db(0).peek(key.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void putOther(String key) {
        server.keyspace().db(0).put(key.getBytes(StandardCharsets.ISO_8859_1), new OtherType(), false);
    }

    @Test
    void bitWritesPropagateOnlyWhenSomethingChanged() {
        run("SETBIT", "b", "3", "1");
        run("SETBIT", "b", "3", "1");          // same bit: nothing changes
        run("SETBIT", "b", "20", "0");         // grows the string: a change
        run("BITFIELD", "b", "GET", "u8", "0"); // only GETs: read-only
        run("BITFIELD", "b", "SET", "u8", "0", "16"); // same value as before
        run("BITFIELD", "b", "SET", "u8", "0", "17", "GET", "u4", "0");
        run("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"); // fails: nothing written
        run("BITFIELD_RO", "b", "GET", "u8", "0");
        run("BITOP", "NOT", "n", "b");
        run("BITOP", "OR", "n", "missing");    // empty result deletes n
        run("BITOP", "OR", "n", "missing");    // nothing to delete any more
        assertThat(propagated).containsExactly(
                "SETBIT b 3 1",
                "SETBIT b 20 0",
                "BITFIELD b SET u8 0 17 GET u4 0",
                "BITOP NOT n b",
                "BITOP OR n missing");
    }

    @Test
    void hllWritesAndCacheUpdatesPropagateAsRedis() {
        run("PFADD", "h", "a", "b");
        run("PFADD", "h", "a");                // no register changed
        run("PFCOUNT", "h");                   // recomputes and stores the cache: propagated
        run("PFCOUNT", "h");                   // cached: nothing written
        run("PFCOUNT", "h", "missing");        // union: never writes
        run("PFMERGE", "m", "h");
        run("PFDEBUG", "ENCODING", "m");
        run("PFDEBUG", "TODENSE", "m");
        run("PFDEBUG", "TODENSE", "m");        // already dense
        run("PFADD", "e");                     // creates an empty HLL
        run("PFADD", "e");
        assertThat(propagated).containsExactly(
                "PFADD h a b",
                "PFCOUNT h",
                "PFMERGE m h",
                "PFDEBUG TODENSE m",
                "PFADD e");
    }

    @Test
    void dirtyCountsRegistersAndBitfieldChanges() {
        long d0 = server.dirty();
        run("PFADD", "h", "a", "b", "c");      // key created + three registers
        assertThat(server.dirty() - d0).isEqualTo(4);
        d0 = server.dirty();
        run("BITFIELD", "b", "SET", "u8", "0", "1", "SET", "u8", "8", "2");
        assertThat(server.dirty() - d0).isEqualTo(2);
    }

    @Test
    void setbitAndBitfieldDirtyOnlyWhenTheValueChanged() {
        // Redis's "SETBIT/BITFIELD only increase dirty when the value changed".
        long d = server.dirty();
        run("SETBIT", "foo", "0", "0");                  // new keys always count
        run("BITFIELD", "foo2", "SET", "i5", "0", "0");
        assertThat(server.dirty()).isEqualTo(d + 2);
        run("SETBIT", "foo", "0", "0");                  // no change
        run("BITFIELD", "foo2", "SET", "i5", "0", "0");
        assertThat(server.dirty()).isEqualTo(d + 2);
        for (String v : new String[] {"1", "1", "0", "0"}) {
            run("SETBIT", "foo", "0", v);
            run("BITFIELD", "foo2", "SET", "i5", "0", v);
        }
        assertThat(server.dirty()).isEqualTo(d + 6);
        run("BITFIELD", "foo3", "INCRBY", "i5", "0", "1");
        run("BITFIELD", "foo3", "INCRBY", "i5", "0", "1");
        assertThat(server.dirty()).isEqualTo(d + 8);
        run("SETBIT", "foo", "90", "0");                 // only the length changes
        run("BITFIELD", "foo2", "SET", "i5", "90", "0");
        assertThat(server.dirty()).isEqualTo(d + 10);
    }

    @Test
    void valuesAreRawSdsAndUnsharedOnWrite() {
        run("SET", "s", "ab");
        assertThat(Strings.encoding(value("s"))).isEqualTo("embstr");
        run("SETBIT", "s", "0", "1");
        assertThat(value("s")).isInstanceOf(Sds.class);
        assertThat(Strings.encoding(value("s"))).isEqualTo("raw");
        run("SETBIT", "new", "0", "1");
        assertThat(Strings.encoding(value("new"))).isEqualTo("raw");
        run("BITOP", "AND", "dst", "s", "new");
        assertThat(Strings.encoding(value("dst"))).isEqualTo("raw");
        run("PFADD", "h", "x");
        assertThat(Strings.encoding(value("h"))).isEqualTo("raw");

        // An HLL stored by SET (embstr) becomes raw when PFCOUNT writes its cache.
        byte[] hll = Strings.bytes(value("h"));
        server.keyspace().db(0).put("h2".getBytes(StandardCharsets.ISO_8859_1), hll, false);
        assertThat(Strings.encoding(value("h2"))).isEqualTo("embstr");
        assertThat(run("PFCOUNT", "h2")).isEqualTo(":1\r\n");
        assertThat(Strings.encoding(value("h2"))).isEqualTo("raw");
        assertThat(Hll.cacheValid((Sds) value("h2"))).isTrue();
        assertThat(Hll.cacheValid((Sds) value("h"))).isFalse(); // a copy: h itself untouched
    }

    @Test
    void wrongTypeInRedisOrder() {
        putOther("l");
        String wrong = "-" + io.vermilion.protocol.Errors.WRONGTYPE + "\r\n";
        assertThat(run("SETBIT", "l", "0", "1")).isEqualTo(wrong);
        assertThat(run("SETBIT", "l", "-1", "1")).startsWith("-ERR bit offset");   // offset checked first
        assertThat(run("SETBIT", "l", "0", "5")).startsWith("-ERR bit is not");    // then the value
        assertThat(run("GETBIT", "l", "0")).isEqualTo(wrong);
        assertThat(run("GETBIT", "l", "x")).startsWith("-ERR bit offset");
        assertThat(run("BITCOUNT", "l")).isEqualTo(wrong);
        assertThat(run("BITCOUNT", "l", "x", "y")).isEqualTo(wrong);              // key before range
        assertThat(run("BITPOS", "l", "1")).isEqualTo(wrong);
        assertThat(run("BITPOS", "l", "2")).startsWith("-ERR The bit argument");  // bit before key
        run("SET", "s", "x");
        assertThat(run("BITOP", "AND", "d", "s", "l")).isEqualTo(wrong);
        assertThat(run("BITOP", "AND", "l", "s")).isEqualTo(":1\r\n");            // dest is overwritten
        putOther("l");
        assertThat(run("BITFIELD", "l", "GET", "u8", "0")).isEqualTo(wrong);
        assertThat(run("BITFIELD", "l", "SET", "u8", "0", "1")).isEqualTo(wrong);
        assertThat(run("BITFIELD", "l", "GET", "u64", "0")).startsWith("-ERR Invalid bitfield type"); // args first
        assertThat(run("BITFIELD_RO", "l", "GET", "u8", "0")).isEqualTo(wrong);
        assertThat(run("BITFIELD_RO", "l", "SET", "u8", "0", "1")).startsWith("-ERR BITFIELD_RO only");
        assertThat(run("PFADD", "l", "a")).isEqualTo(wrong);
        assertThat(run("PFCOUNT", "l")).isEqualTo(wrong);
        assertThat(run("PFCOUNT", "missing", "l")).isEqualTo(wrong);
        assertThat(run("PFMERGE", "d", "l")).isEqualTo(wrong);
        assertThat(run("PFMERGE", "l", "missing")).isEqualTo(wrong);               // dest is a source too
        assertThat(run("PFDEBUG", "ENCODING", "l")).isEqualTo(wrong);
        assertThat(run("PFDEBUG", "FOO", "l")).isEqualTo(wrong);                   // key before subcommand
        assertThat(run("PFADD", "s", "a")).isEqualTo("-" + Hll.NOT_HLL + "\r\n");
        assertThat(propagated).containsExactly("SET s x", "BITOP AND l s");
    }

    @Test
    void keyspaceHitsFollowRedisLookups() {
        Keyspace.Stats st = server.keyspace().stats();
        run("SETBIT", "b", "0", "1");          // write lookup: no statistics
        run("PFADD", "h", "a");
        long hits = st.keyspaceHits, misses = st.keyspaceMisses;
        run("GETBIT", "b", "0");
        run("BITCOUNT", "nokey");
        run("BITOP", "OR", "d", "b", "nokey");
        run("PFCOUNT", "h", "nokey");
        run("PFMERGE", "h", "b2");             // dest and source both read
        assertThat(st.keyspaceHits - hits).isEqualTo(4);
        assertThat(st.keyspaceMisses - misses).isEqualTo(4);
    }

    @Test
    void sparseMaxBytesIsReadAtWriteTime() throws Exception {
        server.config().set(List.of("hll-sparse-max-bytes", "40"));
        run("PFADD", "h", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertThat(run("PFDEBUG", "ENCODING", "h")).isEqualTo("+dense\r\n");
        server.config().set(List.of("hll-sparse-max-bytes", "3000"));
        run("PFADD", "h2", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertThat(run("PFDEBUG", "ENCODING", "h2")).isEqualTo("+sparse\r\n");
        assertThat(run("PFCOUNT", "h")).isEqualTo(run("PFCOUNT", "h2"));
    }
}
