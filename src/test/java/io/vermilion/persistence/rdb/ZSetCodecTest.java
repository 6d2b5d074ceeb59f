package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.types.ZSetValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ZSetCodec against DUMP payloads made by redis-server 7.0.15, round trips and corrupt input. */
class ZSetCodecTest {
    private static final ValueCodec CODEC = ValueCodec.of(ValueCodec.STRINGS, new ZSetCodec());

    /** DUMP z after ZADD z 1 a 2.5 b -3 c 1e300 d inf e 10 1 (rdbcompression no). */
    static final String LISTPACK_DUMP = "114042420000000c00816302dffd02816102010181620283322e350401010a0181640297312e30303030"
            + "303030303030303030303031652b3330301881650283696e6604ff0a003d466266c7109f2f";
    /** The same with rdbcompression yes (LZF). */
    static final String LISTPACK_DUMP_LZF = "11c33a40421f420000000c00816302dffd02816102010181620283322e350401010a01816402"
            + "03973"
            + "12e30e005000f31652b3330301881650283696e6604ff0a0081fa18bd5f0f5d6d";
    /** DUMP s (zset-max-listpack-entries 2) after ZADD s 1 a 2.5 b -3 c 0.1 d: RDB_TYPE_ZSET_2. */
    static final String SKIPLIST_DUMP = "0504016200000000000004400161000000000000f03f01649a9999999999b93f016300000000000008c00a00348a2fa17e72434f";

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static List<String> pairs(ZSetValue z) {
        List<String> out = new ArrayList<>();
        z.forEach(false, (bb, off, len, s) -> out.add(new String(bb, off, len, StandardCharsets.ISO_8859_1) + "=" + s));
        return out;
    }

    /** Appends the DUMP footer (RDB version 10, CRC64) to a body. */
    private static byte[] payload(byte[] body) {
        byte[] p = new byte[body.length + 10];
        System.arraycopy(body, 0, p, 0, body.length);
        p[body.length] = 10;
        long crc = Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    @Test
    void readsRedisPayloadsAndWritesTheSameBytes() throws Exception {
        for (String h : new String[] {LISTPACK_DUMP, LISTPACK_DUMP_LZF}) {
            byte[] p = hex(h);
            assertThat(DumpPayload.verify(p)).isTrue();
            ZSetValue z = (ZSetValue) DumpPayload.decode(p, CODEC);
            assertThat(z.encoding()).isEqualTo("listpack");
            assertThat(pairs(z)).containsExactly("c=-3.0", "a=1.0", "b=2.5", "1=10.0", "d=1.0E300", "e=Infinity");
        }
        ZSetValue z = (ZSetValue) DumpPayload.decode(hex(LISTPACK_DUMP), CODEC);
        assertThat(HexFormat.of().formatHex(DumpPayload.create(z, CODEC, false))).isEqualTo(LISTPACK_DUMP);
        assertThat(HexFormat.of().formatHex(DumpPayload.create(z, CODEC, true))).isEqualTo(LISTPACK_DUMP_LZF);

        // a skiplist payload becomes a listpack on load (4 members, default thresholds)
        ZSetValue s = (ZSetValue) DumpPayload.decode(hex(SKIPLIST_DUMP), CODEC);
        assertThat(s.encoding()).isEqualTo("listpack");
        assertThat(pairs(s)).containsExactly("c=-3.0", "d=0.1", "a=1.0", "b=2.5");
        // ... and stays one with a threshold below its size; written back as Redis did
        ValueCodec small = ValueCodec.of(ValueCodec.STRINGS, new ZSetCodec(2, 64));
        ZSetValue s2 = (ZSetValue) DumpPayload.decode(hex(SKIPLIST_DUMP), small);
        assertThat(s2.encoding()).isEqualTo("skiplist");
        assertThat(HexFormat.of().formatHex(DumpPayload.create(s2, small, false))).isEqualTo(SKIPLIST_DUMP);
        // a listpack longer than the threshold becomes a skiplist
        assertThat(((ZSetValue) DumpPayload.decode(hex(LISTPACK_DUMP), small)).encoding()).isEqualTo("skiplist");
    }

    @Test
    void roundTripsRandomZsets() throws Exception {
        Random rnd = new Random(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(round < 100 ? 20 : 300);
            ZSetValue z = ZSetValue.create(128, 64, 1);
            for (int i = 0; i < n; i++) {
                double sc = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt(1000) - 500;
                    case 1 -> rnd.nextGaussian() * 1e6;
                    case 2 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    default -> rnd.nextLong();
                };
                String m = rnd.nextInt(3) == 0 ? Long.toString(rnd.nextInt(100000)) : "m" + rnd.nextInt(1000) + "x".repeat(rnd.nextInt(70));
                z.add(sc, b(m), 0, 128, 64, null);
            }
            byte[] p = DumpPayload.create(z, CODEC, rnd.nextBoolean());
            ZSetValue back = (ZSetValue) DumpPayload.decode(p, CODEC);
            assertThat(back.encoding()).isEqualTo(z.encoding());
            assertThat(pairs(back)).isEqualTo(pairs(z));
            ZSetValue frozen = (ZSetValue) CODEC.freeze(z);
            assertThat(frozen).isNotSameAs(z);
            assertThat(pairs(frozen)).isEqualTo(pairs(z));
        }
    }

    @Test
    void readsLegacyTypes() throws Exception {
        // RDB_TYPE_ZSET (3): scores as text, 254 = +inf, 255 = -inf
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(Rdb.TYPE_ZSET);
        o.write(3);
        o.write(1); o.write('a'); o.write(3); o.write(b("1.5"));
        o.write(1); o.write('b'); o.write(254);
        o.write(1); o.write('c'); o.write(255);
        ZSetValue z = (ZSetValue) DumpPayload.decode(payload(o.toByteArray()), CODEC);
        assertThat(pairs(z)).containsExactly("c=-Infinity", "a=1.5", "b=Infinity");
        assertThat(z.encoding()).isEqualTo("listpack");

        // RDB_TYPE_ZSET_ZIPLIST (12): a ziplist a,1,b,2.5
        byte[] zl = ziplist(new byte[][] {{0x01, 'a'}, {(byte) 0xf2}, {0x01, 'b'}, {0x03, '2', '.', '5'}});
        ByteArrayOutputStream o2 = new ByteArrayOutputStream();
        o2.write(Rdb.TYPE_ZSET_ZIPLIST);
        o2.write(zl.length);
        o2.write(zl);
        ZSetValue z2 = (ZSetValue) DumpPayload.decode(payload(o2.toByteArray()), CODEC);
        assertThat(z2.encoding()).isEqualTo("listpack");
        assertThat(pairs(z2)).containsExactly("a=1.0", "b=2.5");
        // written back as a 7.0 listpack
        assertThat(DumpPayload.create(z2, CODEC, false)[0]).isEqualTo((byte) Rdb.TYPE_ZSET_LISTPACK);
    }

    /** A ziplist of the given entries (each: encoding byte(s) + data, without prevlen). */
    private static byte[] ziplist(byte[][] entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0, lastOff = 10;
        for (byte[] e : entries) {
            lastOff = 10 + body.size();
            body.write(prev);
            body.write(e, 0, e.length);
            prev = 1 + e.length;
        }
        byte[] es = body.toByteArray();
        int total = 10 + es.length + 1;
        byte[] z = new byte[total];
        le(z, 0, total);
        le(z, 4, lastOff);
        z[8] = (byte) entries.length;
        System.arraycopy(es, 0, z, 10, es.length);
        z[total - 1] = (byte) 0xff;
        return z;
    }

    private static void le(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    @Test
    void corruptPayloadsAreRefusedNeverCrash() throws Exception {
        byte[] good = hex(LISTPACK_DUMP);
        // duplicate member in a listpack: a -> c
        byte[] body = java.util.Arrays.copyOf(good, good.length - 10);
        int at = HexFormat.of().formatHex(body).indexOf("816102") / 2;
        body[at + 1] = 'c';
        assertThatThrownBy(() -> DumpPayload.decode(payload(body), CODEC)).isInstanceOf(RdbException.class);
        // NaN score in a type-3 zset
        assertThatThrownBy(() -> DumpPayload.decode(payload(new byte[] {3, 1, 1, 'a', (byte) 253}), CODEC))
                .isInstanceOf(RdbException.class);
        // duplicate member in a type-5 zset
        byte[] dup = {5, 2, 1, 'a', 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 0x40};
        assertThatThrownBy(() -> DumpPayload.decode(payload(dup), CODEC)).isInstanceOf(RdbException.class);
        // empty zset
        assertThatThrownBy(() -> DumpPayload.decode(payload(new byte[] {5, 0}), CODEC)).isInstanceOf(RdbException.class);
        // odd number of listpack entries
        byte[] odd = {17, 10, 10, 0, 0, 0, 1, 0, (byte) 0x81, 'a', 2, (byte) 0xff};
        assertThatThrownBy(() -> DumpPayload.decode(payload(odd), CODEC)).isInstanceOf(RdbException.class);
        // every truncation and many random byte flips: an RdbException or a valid value, nothing else
        Random rnd = new Random(5);
        for (String h : new String[] {LISTPACK_DUMP, SKIPLIST_DUMP, LISTPACK_DUMP_LZF}) {
            byte[] p = hex(h);
            byte[] core = java.util.Arrays.copyOf(p, p.length - 10);
            for (int cut = 1; cut < core.length; cut++) {
                // (the body is read from the whole payload, so a cut body may end inside the footer and still load)
                byte[] t = java.util.Arrays.copyOf(core, cut);
                try {
                    Object v = DumpPayload.decode(payload(t), CODEC);
                    if (v instanceof ZSetValue zz) pairs(zz);
                } catch (RdbException expected) {
                    // fine
                }
            }
            for (int i = 0; i < 3000; i++) {
                byte[] f = core.clone();
                f[1 + rnd.nextInt(f.length - 1)] ^= (byte) (1 << rnd.nextInt(8));
                try {
                    Object v = DumpPayload.decode(payload(f), CODEC);
                    if (v instanceof ZSetValue zz) pairs(zz); // walking it must not fail either
                } catch (RdbException expected) {
                    // fine
                }
            }
        }
    }
}
