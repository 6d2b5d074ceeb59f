package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.config.Config;
import io.vermilion.types.Hash;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * HashCodec: DUMP bytes identical to redis-server 7.0.15's for listpack hashes, content round
 * trips for hashtable ones, and every hash encoding Redis loads, with the payloads below: each
 * was RESTOREd into redis-server 7.0.15 (sanitize-dump-payload yes), and the "ok" ones were
 * accepted with the contents asserted here, the others refused with "Bad data format".
 */
class HashCodecTest {
    private static final Map<String, String> FIXTURES = new LinkedHashMap<>();
    static {
        FIXTURES.put("zl_ok", "0d2929000000240000000800000266310402763104016e03f802036e656705fefb030362696705c0e803ff0a00062c28b0b80ad39c");
        FIXTURES.put("zl_dup", "0d1b1b00000016000000040000026631040276310402663104027632ff0a006b43ceb48bb416e6");
        FIXTURES.put("zl_odd", "0d1717000000120000000300000266310402763104026632ff0a00c85857d4216e711d");
        FIXTURES.put("zl_badtail", "0d13130000000f00000002000002663104027631ff0a00e84dc6b8fa4ff37a");
        FIXTURES.put("zl_badcount", "0d13130000000e00000003000002663104027631ff0a007ee72f8efed5ea7d");
        FIXTURES.put("zl_empty", "0d0b0b0000000a0000000000ff0a00b351a5233d8506fb");
        FIXTURES.put("zm_ok", "0918030161010031026262050068656c6c6f02313002002d37ff030050c387a2ec96c5e2");
        FIXTURES.put("zm_dup", "090c0201610100310161010032ff03002a28df12becef241");
        FIXTURES.put("zm_badcount", "0907020161010031ff030098a71f4276c47a1f");
        FIXTURES.put("lp_dup", "1013130000000400816102813102816102813202ff0a001674f6ecaefd6796");
        FIXTURES.put("lp_odd", "1010100000000300816102813102816202ff0a0091075dfbae31e118");
        FIXTURES.put("lp_badcount", "100d0d0000000400816102813102ff0a0086414e420ffaa5cf");
        FIXTURES.put("lp_empty", "1007070000000000ff0a00da12968874995a38");
        FIXTURES.put("lp_unknown_count", "100d0d000000ffff816102813102ff0a0079327b6660253bb9");
        FIXTURES.put("lp_badbacklen", "100d0d0000000200816105813102ff0a0067b28f462a92d60e");
        FIXTURES.put("lp_strint", "10121200000004008135028178020501817902ff0a00d0031a075efb81eb");
        FIXTURES.put("ht_ok", "0403016101310162013240466363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636301330a00d754d4665574765e");
        FIXTURES.put("ht_dup", "040201610131016101320a00aaba8413eda6d58a");
        FIXTURES.put("ht_dup_late", "0403404678787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878013101610131016101320a006e774fae9c1b8d31");
        FIXTURES.put("ht_empty", "04000a00933196c0279295bf");
        FIXTURES.put("ht_trunc", "0403016101310a004ae958aef7c38fd5");
        FIXTURES.put("ht_small", "04020161013101620232320a00ae8675ec15b4f5c0");
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static String s(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }

    private static Map<String, String> contents(Hash h) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int f = h.firstField(); f >= 0; f = h.nextField(f)) m.put(s(h.bytes(f)), s(h.bytes(h.valueOf(f))));
        return m;
    }

    private static Hash decode(String fixture) throws RdbException {
        byte[] p = hex(FIXTURES.get(fixture));
        assertThat(DumpPayload.verify(p)).isTrue();
        return (Hash) DumpPayload.decode(p, Codecs.ALL);
    }

    private static Hash hash(long maxEntries, long maxValue, String... kv) {
        Hash h = new Hash();
        for (int i = 0; i < kv.length; i += 2) h.set(b(kv[i]), b(kv[i + 1]), maxEntries, maxValue);
        return h;
    }

    @Test
    void listpackDumpIsRedisBytes() {
        // redis-server 7.0.15: HSET d f1 v1 f2 2 f3 -3000; DUMP d
        Hash h = hash(128, 64, "f1", "v1", "f2", "2", "f3", "-3000");
        assertThat(HexFormat.of().formatHex(DumpPayload.create(h, Codecs.ALL, true)))
                .isEqualTo("101c1c00000006008266310382763103826632030201826633" + "03d44802ff0a000cc6fc16a3745cad");
    }

    @Test
    void hashtableDumpIsRedisBytesForOneOrder() throws RdbException {
        // redis-server 7.0.15 with hash-max-listpack-entries 1: HSET t a 1 b 2; DUMP t (dict order a, b)
        byte[] redis = hex("0402016" + "1c0010162c0020a0017143a96eba75d5c");
        Hash h = (Hash) DumpPayload.decode(redis, Codecs.ALL);
        assertThat(h.encoding()).isEqualTo("listpack");     // 2 fields fit the default thresholds
        assertThat(contents(h)).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        Hash t = hash(0, 64, "a", "1", "b", "2");
        assertThat(t.encoding()).isEqualTo("hashtable");
        byte[] ours = DumpPayload.create(t, Codecs.ALL, true);
        assertThat(ours[0]).isEqualTo((byte) 4);
        assertThat(ours.length).isEqualTo(redis.length);
        Hash back = (Hash) DumpPayload.decode(ours, Codecs.ALL);
        assertThat(new TreeMap<>(contents(back))).isEqualTo(new TreeMap<>(contents(t)));
    }

    @Test
    void roundTripsKeepContentsAndEncoding() throws RdbException {
        Random r = new Random(3);
        for (int round = 0; round < 50; round++) {
            boolean table = r.nextBoolean();
            Hash h = new Hash();
            int n = 1 + r.nextInt(table ? 500 : 100);
            for (int i = 0; i < n; i++) {
                String v = r.nextBoolean() ? Long.toString(r.nextLong()) : "v".repeat(r.nextInt(60));
                h.set(b("field:" + i), b(v), table ? 0 : 128, 64);
            }
            for (boolean compress : new boolean[] {true, false}) {
                byte[] p = DumpPayload.create(h, Codecs.ALL, compress);
                assertThat(DumpPayload.verify(p)).isTrue();
                Hash back = (Hash) DumpPayload.decode(p, Codecs.ALL);
                // A loaded type-4 hash is a listpack again when it fits the thresholds, as in Redis.
                assertThat(back.encoding()).isEqualTo(table && n <= 128 ? "listpack" : h.encoding());
                if (table) assertThat(new TreeMap<>(contents(back))).isEqualTo(new TreeMap<>(contents(h)));
                else {
                    assertThat(contents(back)).containsExactlyEntriesOf(contents(h));
                    assertThat(back.listpack()).isEqualTo(h.listpack());
                }
            }
        }
    }

    @Test
    void legacyEncodingsLoadAsRedisDoes() throws RdbException {
        Hash zl = decode("zl_ok");
        assertThat(zl.encoding()).isEqualTo("listpack");
        assertThat(contents(zl)).containsExactly(Map.entry("f1", "v1"), Map.entry("n", "7"),
                Map.entry("neg", "-5"), Map.entry("big", "1000"));
        Hash zm = decode("zm_ok");
        assertThat(zm.encoding()).isEqualTo("listpack");
        assertThat(contents(zm)).containsExactly(Map.entry("a", "1"), Map.entry("bb", "hello"), Map.entry("10", "-7"));
        Hash ht = decode("ht_ok");
        assertThat(ht.encoding()).isEqualTo("hashtable");     // one field is longer than 64 bytes
        assertThat(contents(ht)).containsEntry("a", "1").containsEntry("b", "2").hasSize(3);
        Hash small = decode("ht_small");
        assertThat(small.encoding()).isEqualTo("listpack");
        assertThat(contents(small)).containsExactly(Map.entry("a", "1"), Map.entry("b", "22"));
        Hash unknown = decode("lp_unknown_count");
        assertThat(contents(unknown)).containsExactly(Map.entry("a", "1"));
        // What the listpack becomes is exactly what Redis converts it to (re-dumped as type 16).
        assertThat(HexFormat.of().formatHex(DumpPayload.create(zl, Codecs.ALL, false)).substring(0, 4)).isEqualTo("1024");
    }

    @Test
    void corruptPayloadsAreRefused() {
        for (String name : List.of("zl_dup", "zl_odd", "zl_badtail", "zl_badcount", "zm_dup", "zm_badcount",
                "lp_dup", "lp_odd", "lp_badcount", "lp_badbacklen", "lp_strint", "ht_dup", "ht_dup_late", "ht_trunc")) {
            assertThatThrownBy(() -> decode(name)).as(name).isInstanceOf(RdbException.class)
                    .isNotInstanceOf(EmptyKeyException.class);
        }
        for (String name : List.of("zl_empty", "lp_empty", "ht_empty")) {
            assertThatThrownBy(() -> decode(name)).as(name).isInstanceOf(EmptyKeyException.class);
        }
    }

    @Test
    void truncatedAndFlippedPayloadsNeverCrash() {
        Hash h = hash(128, 64, "f1", "v1", "f2", "2", "f3", "-3000", "long", "x".repeat(40));
        byte[] good = DumpPayload.create(h, Codecs.ALL, false);
        Random r = new Random(5);
        for (int i = 0; i < 3000; i++) {
            byte[] p = good.clone();
            int cut = r.nextInt(3) == 0 ? r.nextInt(p.length) : p.length;
            p = java.util.Arrays.copyOf(p, cut);
            if (p.length > 0) p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                Object v = DumpPayload.decode(p, Codecs.ALL);
                if (v instanceof Hash back) contents(back);      // whatever was accepted can be walked
            } catch (RdbException expected) {
                // refused: fine
            }
        }
    }

    @Test
    void thresholdsOfTheReaderApplyOnLoad() throws Exception {
        Config cfg = Config.defaults();
        cfg.set(List.of("hash-max-listpack-entries", "2"));
        ValueCodec codec = Codecs.configured(Codecs.ALL, cfg);
        Hash h = hash(128, 64, "a", "1", "b", "2", "c", "3");
        Hash loaded = (Hash) DumpPayload.decode(DumpPayload.create(h, Codecs.ALL, true), codec);
        assertThat(loaded.encoding()).isEqualTo("hashtable");
        cfg.set(List.of("hash-max-listpack-entries", "128", "hash-max-listpack-value", "1"));
        // A listpack is converted for its length only; a zipmap or a type-4 hash for long strings too.
        assertThat(((Hash) DumpPayload.decode(DumpPayload.create(h, Codecs.ALL, true), codec)).encoding()).isEqualTo("listpack");
        assertThat(((Hash) DumpPayload.decode(hex(FIXTURES.get("zm_ok")), codec)).encoding()).isEqualTo("hashtable");
        assertThat(((Hash) DumpPayload.decode(hex(FIXTURES.get("ht_small")), codec)).encoding()).isEqualTo("hashtable");
        assertThat(((Hash) DumpPayload.decode(hex(FIXTURES.get("zl_ok")), codec)).encoding()).isEqualTo("listpack");
    }

    @Test
    void freezeIsADeepCopy() {
        Hash h = hash(128, 64, "a", "1");
        Hash frozen = (Hash) Codecs.ALL.freeze(h);
        h.set(b("a"), b("2"), 128, 64);
        assertThat(contents(frozen)).containsExactly(Map.entry("a", "1"));
        assertThat(Codecs.ALL.typeOf(h)).isEqualTo(Rdb.TYPE_HASH_LISTPACK);
        h.convertToTable();
        assertThat(Codecs.ALL.typeOf(h)).isEqualTo(Rdb.TYPE_HASH);
    }
}
