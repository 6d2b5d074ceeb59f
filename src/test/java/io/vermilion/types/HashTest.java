package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashTest {
    private static final long E = 128, V = 64;

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static String s(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    private static Map<String, String> contents(Hash h) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int f = h.firstField(); f >= 0; f = h.nextField(f)) {
            String prev = m.put(s(h.bytes(f)), s(h.bytes(h.valueOf(f))));
            assertThat(prev).as("duplicate field").isNull();
        }
        return m;
    }

    /** The listpack Redis would hold for these pairs in this order (Listpack is tested against redis-server). */
    private static byte[] redisListpack(Map<String, String> m) {
        Listpack lp = new Listpack();
        for (Map.Entry<String, String> e : m.entrySet()) {
            lp.append(b(e.getKey()));
            lp.append(b(e.getValue()));
        }
        return lp.toBytes();
    }

    private static String randomText(Random r) {
        switch (r.nextInt(6)) {
            case 0: return Long.toString(r.nextLong());
            case 1: return Integer.toString(r.nextInt(200) - 100);
            case 2: return Integer.toString(r.nextInt(100000));
            case 3: return "";
            case 4: return "0" + r.nextInt(10);
            default: return "s" + "x".repeat(r.nextInt(70));
        }
    }

    @Test
    void listpackAgainstALinkedHashMapAndRedisBytes() {
        Random r = new Random(1);
        for (int round = 0; round < 40; round++) {
            Hash h = new Hash();
            Map<String, String> model = new LinkedHashMap<>();
            for (int step = 0; step < 300; step++) {
                String f = r.nextInt(4) == 0 ? randomText(r) : "f" + r.nextInt(40);
                if (r.nextInt(3) > 0) {
                    String v = randomText(r);
                    boolean existed = model.containsKey(f);
                    model.put(f, v);   // an update keeps the field's place, as lpReplace
                    assertThat(h.set(b(f), b(v), 100000, 100000)).isEqualTo(existed);
                } else {
                    assertThat(h.delete(b(f))).isEqualTo(model.remove(f) != null);
                }
                assertThat(h.encoding()).isEqualTo("listpack");
                assertThat(h.size()).isEqualTo(model.size());
                assertThat(h.listpack()).isEqualTo(redisListpack(model));
                assertThat(Listpack.validate(h.listpack())).isEqualTo(model.size() * 2);
            }
            assertThat(contents(h)).containsExactlyEntriesOf(model);
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertThat(h.contains(b(e.getKey()))).isTrue();
                assertThat(s(h.get(b(e.getKey())))).isEqualTo(e.getValue());
                int v = h.findValue(b(e.getKey()));
                assertThat(h.textLength(v)).isEqualTo(e.getValue().length());
            }
        }
    }

    @Test
    void hashtableAgainstAMap() {
        Random r = new Random(2);
        Hash h = new Hash();
        h.convertToTable();
        Map<String, String> model = new LinkedHashMap<>();
        for (int step = 0; step < 20000; step++) {
            String f = "f" + r.nextInt(2000);
            if (r.nextInt(3) > 0) {
                String v = randomText(r);
                assertThat(h.set(b(f), b(v), E, V)).isEqualTo(model.put(f, v) != null);
            } else {
                assertThat(h.delete(b(f))).isEqualTo(model.remove(f) != null);
            }
        }
        assertThat(h.encoding()).isEqualTo("hashtable");
        assertThat(contents(h)).containsExactlyInAnyOrderEntriesOf(model);
        assertThat(h.size()).isEqualTo(model.size());
    }

    @Test
    void convertsOnTooManyEntriesOrALongStringAndNeverBack() {
        Hash h = new Hash();
        for (int i = 0; i < 4; i++) h.set(b("f" + i), b("v"), 4, 8);
        assertThat(h.encoding()).isEqualTo("listpack");
        h.set(b("f0"), b("v2"), 4, 8);
        assertThat(h.encoding()).isEqualTo("listpack");
        h.set(b("f4"), b("v"), 4, 8);
        assertThat(h.encoding()).isEqualTo("hashtable");
        for (int i = 0; i < 4; i++) h.delete(b("f" + i));
        assertThat(h.encoding()).isEqualTo("hashtable");
        assertThat(contents(h)).containsExactly(Map.entry("f4", "v"));

        Hash v = new Hash();
        v.set(b("k"), b("12345678"), 4, 8);
        assertThat(v.encoding()).isEqualTo("listpack");
        v.set(b("k"), b("123456789"), 4, 8);
        assertThat(v.encoding()).isEqualTo("hashtable");
        assertThat(s(v.get(b("k")))).isEqualTo("123456789");

        Hash p = new Hash();
        p.prepareFor(new byte[][] {b("HSET"), b("k"), b("f"), b("123456789")}, 2, 3, 8);
        assertThat(p.encoding()).isEqualTo("hashtable");
        assertThat(p.size()).isZero();
    }

    @Test
    void integersAreStoredAsListpackIntegersAndReadAsText() {
        Hash h = new Hash();
        String[] vals = {"0", "127", "128", "-4096", "4095", "32767", "-32768", "8388607", "-8388608",
                "2147483647", "-2147483648", "9223372036854775807", "-9223372036854775808",
                "9223372036854775808", "01", "-0", "+1", " 1"};
        for (String v : vals) h.set(b("k" + v), b(v), E, V);
        for (String v : vals) {
            int e = h.findValue(b("k" + v));
            assertThat(s(h.bytes(e))).isEqualTo(v);
            assertThat(h.textLength(e)).isEqualTo(v.length());
            boolean canonical = Listpack.strictLong(b(v), new long[1]);
            assertThat(h.isInt(e)).isEqualTo(canonical);
        }
        // Integer fields match their text: "7" finds an integer entry, "07" does not.
        h.set(b("7"), b("seven"), E, V);
        assertThat(h.contains(b("7"))).isTrue();
        assertThat(h.contains(b("07"))).isFalse();
        assertThat(h.listpack()).isEqualTo(redisListpack(contents(h)));
    }

    @Test
    void redisDumpBytes() {
        // DUMP of HSET d f1 v1 f2 2 f3 -3000 on redis-server 7.0.15: type 16, then the listpack.
        byte[] dump = HexFormat.of().parseHex("101c1c000000060082663103827631038266320302018266330"
                + "3d44802ff0a000cc6fc16a3745cad");
        byte[] lp = java.util.Arrays.copyOfRange(dump, 2, 2 + 0x1c);
        Hash h = new Hash();
        h.set(b("f1"), b("v1"), E, V);
        h.set(b("f2"), b("2"), E, V);
        h.set(b("f3"), b("-3000"), E, V);
        assertThat(h.listpack()).isEqualTo(lp);
    }

    @Test
    void copyIsIndependentAndKeepsTheEncoding() {
        Hash h = new Hash();
        h.set(b("a"), b("1"), E, V);
        Hash c = h.copy();
        h.set(b("a"), b("2"), E, V);
        h.set(b("b"), b("3"), E, V);
        assertThat(contents(c)).containsExactly(Map.entry("a", "1"));
        h.convertToTable();
        Hash t = h.copy();
        h.delete(b("a"));
        assertThat(t.encoding()).isEqualTo("hashtable");
        assertThat(contents(t)).containsExactlyInAnyOrderEntriesOf(Map.of("a", "2", "b", "3"));
    }

    @Test
    void rewriteEmitsHmsetIn64PairBatches() {
        Hash h = new Hash();
        for (int i = 0; i < 130; i++) h.set(b("f" + i), b("v" + i), 1000, V);
        List<byte[][]> cmds = new ArrayList<>();
        h.rewrite(b("key"), cmds::add);
        assertThat(cmds).hasSize(3);
        assertThat(cmds.get(0).length).isEqualTo(2 + 128);
        assertThat(cmds.get(2).length).isEqualTo(2 + 4);
        Map<String, String> seen = new LinkedHashMap<>();
        for (byte[][] c : cmds) {
            assertThat(s(c[0])).isEqualTo("HMSET");
            assertThat(s(c[1])).isEqualTo("key");
            for (int i = 2; i < c.length; i += 2) seen.put(s(c[i]), s(c[i + 1]));
        }
        assertThat(seen).containsExactlyEntriesOf(contents(h));
        h.convertToTable();
        cmds.clear();
        h.rewrite(b("key"), cmds::add);
        assertThat(cmds).hasSize(3);
    }

    @Test
    void unknownCountHeaderIsRecountedAndFixed() {
        Listpack lp = new Listpack();
        lp.append(b("a"));
        lp.append(b("1"));
        byte[] blob = lp.toBytes();
        blob[4] = (byte) 0xff;
        blob[5] = (byte) 0xff;
        Hash h = Hash.ofListpack(blob);
        assertThat(h.size()).isEqualTo(1);
        assertThat(h.listpack()[4]).isEqualTo((byte) 2);
        h.set(b("b"), b("2"), E, V);
        assertThat(h.listpack()[4]).isEqualTo((byte) 4);
    }

    @Test
    void setPairsIsSetOneByOne() {
        Random r = new Random(9);
        for (int round = 0; round < 3000; round++) {
            long maxE = 1 + r.nextInt(12), maxV = 4 + r.nextInt(70);
            Hash a = new Hash(), b = new Hash();
            int pre = r.nextInt(6);
            for (int i = 0; i < pre; i++) {
                String f = "f" + r.nextInt(8), v = randomText(r);
                a.set(b(f), b(v), maxE, maxV);
                b.set(b(f), b(v), maxE, maxV);
            }
            int pairs = 1 + r.nextInt(10);
            byte[][] argv = new byte[2 + pairs * 2][];
            argv[0] = b("HSET");
            argv[1] = b("k");
            for (int i = 0; i < pairs; i++) {
                argv[2 + 2 * i] = b(r.nextInt(3) == 0 ? randomText(r) : "f" + r.nextInt(10));
                argv[3 + 2 * i] = b(randomText(r));
            }
            int created = 0;
            for (int i = 2; i < argv.length; i += 2) if (!a.set(argv[i], argv[i + 1], maxE, maxV)) created++;
            assertThat(b.setPairs(argv, 2, maxE, maxV)).isEqualTo(created);
            assertThat(b.encoding()).isEqualTo(a.encoding());
            if (a.isListpack()) assertThat(b.listpack()).isEqualTo(a.listpack());
            else assertThat(contents(b)).containsExactlyInAnyOrderEntriesOf(contents(a));
        }
    }
}
