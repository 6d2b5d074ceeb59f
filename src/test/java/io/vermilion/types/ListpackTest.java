package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListpackTest {
    /** The listpack inside DUMP of a hash built by redis-server 7.0.15 with these HSETs (hash-max-listpack-value 100). */
    private static final String REDIS_HEX = "da000000180081610201018162028568656c6c6f06816302f178ec03816402f2e0930404816502f400f2052a0100000009816602bf"
            + "78".repeat(63) + "40816702dfff028168027f01816902c08002816a02d00002816b0282303103816c02e040" + "79".repeat(64) + "42ff";

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static List<String> vals() {
        return List.of("a", "1", "b", "hello", "c", "-5000", "d", "300000", "e", "5000000000", "f", "x".repeat(63),
                "g", "-1", "h", "127", "i", "128", "j", "-4096", "k", "01", "l", "y".repeat(64));
    }

    @Test
    void appendsProduceRedisBytes() {
        Listpack lp = new Listpack();
        for (String v : vals()) lp.append(b(v));
        assertThat(HexFormat.of().formatHex(lp.toBytes())).isEqualTo(REDIS_HEX);
        assertThat(lp.size()).isEqualTo(24);
        assertThat(Listpack.validate(lp.toBytes())).isEqualTo(24);
    }

    @Test
    void walksBothWaysAndDecodes() {
        Listpack lp = Listpack.wrap(HexFormat.of().parseHex(REDIS_HEX));
        List<String> fwd = new ArrayList<>();
        for (int p = lp.first(); p >= 0; p = lp.next(p)) fwd.add(new String(lp.get(p), StandardCharsets.ISO_8859_1));
        assertThat(fwd).isEqualTo(vals());
        List<String> back = new ArrayList<>();
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) back.add(0, new String(lp.get(p), StandardCharsets.ISO_8859_1));
        assertThat(back).isEqualTo(vals());
        assertThat(new String(lp.get(lp.seek(-1)))).isEqualTo("y".repeat(64));
        assertThat(new String(lp.get(lp.seek(9)))).isEqualTo("5000000000");
        assertThat(lp.seek(24)).isEqualTo(-1);
        assertThat(lp.seek(-25)).isEqualTo(-1);
        assertThat(lp.find(lp.first(), b("e"), 1)).isEqualTo(lp.seek(8));
        assertThat(lp.find(lp.first(), b("hello"), 1)).isEqualTo(-1); // a value, skipped as a field
        assertThat(lp.find(lp.first(), b("-4096"), 0)).isEqualTo(lp.seek(19));
        assertThat(lp.eq(lp.seek(1), b("1"))).isTrue();
        assertThat(lp.eq(lp.seek(1), b("01"))).isFalse();
    }

    @Test
    void randomEditsMatchAListModel() {
        Random rnd = new Random(42);
        Listpack lp = new Listpack();
        List<String> model = new ArrayList<>();
        for (int step = 0; step < 20000; step++) {
            String v = switch (rnd.nextInt(5)) {
                case 0 -> Long.toString(rnd.nextLong());
                case 1 -> Integer.toString(rnd.nextInt(20000) - 10000);
                case 2 -> "s".repeat(rnd.nextInt(5000));
                default -> "v" + rnd.nextInt(100);
            };
            int op = rnd.nextInt(6);
            if (model.size() > 200) op = 4;
            switch (op) {
                case 0 -> { lp.append(b(v)); model.add(v); }
                case 1 -> { lp.prepend(b(v)); model.add(0, v); }
                case 2 -> {
                    if (model.isEmpty()) break;
                    int i = rnd.nextInt(model.size());
                    lp.insertBefore(lp.seek(i), b(v));
                    model.add(i, v);
                }
                case 3 -> {
                    if (model.isEmpty()) break;
                    int i = rnd.nextInt(model.size());
                    lp.replace(lp.seek(i), b(v));
                    model.set(i, v);
                }
                case 4 -> {
                    if (model.isEmpty()) break;
                    int i = rnd.nextInt(model.size());
                    int n = 1 + rnd.nextInt(3);
                    lp.deleteRange(i, n);
                    for (int k = 0; k < n && i < model.size(); k++) model.remove(i);
                }
                default -> {
                    if (model.isEmpty()) break;
                    int i = rnd.nextInt(model.size());
                    lp.insertAfter(lp.seek(i), b(v));
                    model.add(i + 1, v);
                }
            }
            assertThat(lp.size()).isEqualTo(model.size());
            if (step % 97 == 0) {
                assertThat(Listpack.validate(lp.toBytes())).isEqualTo(model.size());
                List<String> got = new ArrayList<>();
                for (int p = lp.first(); p >= 0; p = lp.next(p)) got.add(new String(lp.get(p), StandardCharsets.ISO_8859_1));
                assertThat(got).isEqualTo(model);
            }
        }
    }

    @Test
    void validateRejectsDamage() {
        byte[] good = HexFormat.of().parseHex(REDIS_HEX);
        Random rnd = new Random(1);
        for (int i = 0; i < good.length; i++) {
            byte[] t = java.util.Arrays.copyOf(good, i);
            assertThat(Listpack.validate(t)).isEqualTo(-1);
        }
        for (int i = 0; i < 5000; i++) {
            byte[] t = good.clone();
            t[rnd.nextInt(t.length)] ^= (byte) (1 << rnd.nextInt(8));
            int n = Listpack.validate(t); // must never throw
            assertThat(n).isBetween(-1, 24 + 200);
        }
    }
}
