package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RdbFormatTest {
    record Entry(int db, String key, byte[] value, long expire, long idle, int freq) {}

    static final class Collect implements RdbHandler {
        final Map<String, String> aux = new LinkedHashMap<>();
        final List<Entry> entries = new ArrayList<>();
        final List<Integer> selects = new ArrayList<>();
        final List<long[]> resizes = new ArrayList<>();

        @Override public void aux(byte[] k, byte[] v) {
            aux.put(new String(k, StandardCharsets.ISO_8859_1), new String(v, StandardCharsets.ISO_8859_1));
        }

        @Override public void selectDb(int db) { selects.add(db); }

        @Override public void resizeDb(long a, long b) { resizes.add(new long[] {a, b}); }

        @Override public void entry(int db, byte[] key, Object value, long exp, long idle, int freq) {
            entries.add(new Entry(db, new String(key, StandardCharsets.ISO_8859_1), (byte[]) value, exp, idle, freq));
        }
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    /** Values of many shapes: empty, integers at every encoding edge, non-canonical numbers, binary, long. */
    static List<byte[]> shapes() {
        List<byte[]> v = new ArrayList<>();
        for (String s : new String[] {"", "0", "-0", "1", "-1", "127", "128", "-128", "-129", "255", "32767", "32768",
                "-32768", "-32769", "2147483647", "2147483648", "-2147483648", "-2147483649", "99999999999",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007", "+1", " 1", "1 ",
                "1.5", "0x10", "hello", "a".repeat(20), "a".repeat(21), "ab".repeat(40)}) {
            v.add(b(s));
        }
        byte[] bin = new byte[256];
        for (int i = 0; i < 256; i++) bin[i] = (byte) i;
        v.add(bin);
        for (int len : new int[] {63, 64, 16383, 16384, 70000}) {
            byte[] x = new byte[len];
            new Random(len).nextBytes(x);
            v.add(x);
            byte[] y = new byte[len];
            Arrays.fill(y, (byte) 'z');
            v.add(y);
        }
        return v;
    }

    static byte[] sampleFile(boolean compress) throws IOException {
        RdbSink.Bytes sink = new RdbSink.Bytes();
        RdbWriter w = new RdbWriter(sink, ValueCodec.STRINGS, compress, true);
        w.header(new RdbWriter.AuxInfo("7.0.15", 1700000000L, 123456789L, false, null));
        List<byte[]> shapes = shapes();
        w.selectDb(0);
        w.resizeDb(shapes.size(), 1);
        int i = 0;
        for (byte[] v : shapes) w.entry(b("k" + i++), v, i == 3 ? 4102444800000L : -1, -1, -1);
        w.selectDb(5);
        w.resizeDb(2, 1);
        w.entry(b("12345"), b("int key"), -1, 17, -1);
        w.entry(b("x".repeat(100)), b("long compressible key"), 1L, -1, 200);
        w.eof();
        return sink.toByteArray();
    }

    @Test
    void roundTripsEveryShape() throws Exception {
        for (boolean compress : new boolean[] {true, false}) {
            byte[] file = sampleFile(compress);
            assertThat(new String(file, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
            Collect c = new Collect();
            RdbReader.Summary s = new RdbReader(new RdbSource.Bytes(file)).read(c);
            assertThat(s.version()).isEqualTo(10);
            assertThat(s.checksumVerified()).isTrue();
            assertThat(c.aux).containsExactly(Map.entry("redis-ver", "7.0.15"), Map.entry("redis-bits", "64"),
                    Map.entry("ctime", "1700000000"), Map.entry("used-mem", "123456789"), Map.entry("aof-base", "0"));
            assertThat(c.selects).containsExactly(0, 5);
            List<byte[]> shapes = shapes();
            assertThat(c.entries).hasSize(shapes.size() + 2);
            for (int i = 0; i < shapes.size(); i++) {
                Entry e = c.entries.get(i);
                assertThat(e.db()).isZero();
                assertThat(e.key()).isEqualTo("k" + i);
                assertThat(e.value()).as("shape %d", i).isEqualTo(shapes.get(i));
                assertThat(e.expire()).isEqualTo(i == 2 ? 4102444800000L : -1);
            }
            Entry a = c.entries.get(shapes.size());
            assertThat(a).extracting(Entry::db, Entry::key, Entry::idle, Entry::freq).containsExactly(5, "12345", 17L, -1);
            Entry z = c.entries.get(shapes.size() + 1);
            assertThat(z).extracting(Entry::key, Entry::expire, Entry::freq).containsExactly("x".repeat(100), 1L, 200);
        }
    }

    @Test
    void encodesStringsAsRedis() throws Exception {
        assertThat(enc("12")).isEqualTo("c00c");
        assertThat(enc("-128")).isEqualTo("c080");
        assertThat(enc("300")).isEqualTo("c12c01");
        assertThat(enc("70000")).isEqualTo("c270110100");
        assertThat(enc("2147483648")).isEqualTo("0a32313437343833363438");
        assertThat(enc("007")).isEqualTo("03303037");
        assertThat(enc("")).isEqualTo("00");
        assertThat(enc("a".repeat(64))).startsWith("c3"); // compressed
        assertThat(enc("abcdefghijklmnopqrstu")).isEqualTo("15" + HexFormat.of().formatHex(b("abcdefghijklmnopqrstu")));
    }

    private static String enc(String s) throws IOException {
        RdbSink.Bytes sink = new RdbSink.Bytes();
        RdbWriter w = new RdbWriter(sink);
        w.writeString(b(s), 0, s.length());
        w.flush();
        return HexFormat.of().formatHex(sink.toByteArray());
    }

    @Test
    void everyLengthEncoding() throws Exception {
        long[] lens = {0, 1, 63, 64, 16383, 16384, 0xffffffffL, 0x100000000L, Long.MAX_VALUE, -1L};
        RdbSink.Bytes sink = new RdbSink.Bytes();
        RdbWriter w = new RdbWriter(sink);
        for (long l : lens) w.writeLen(l);
        w.flush();
        byte[] out = sink.toByteArray();
        assertThat(HexFormat.of().formatHex(out, 0, 8)).isEqualTo("00013f40407fff80");
        RdbReader r = new RdbReader(new RdbSource.Bytes(out));
        for (long l : lens) assertThat(r.readLen()).isEqualTo(l);
        // 0x82..0xbf are not length encodings
        RdbReader bad = new RdbReader(new RdbSource.Bytes(HexFormat.of().parseHex("82")));
        assertThatThrownBy(bad::readLen).isInstanceOf(RdbException.class).hasMessageContaining("Unknown length encoding 130");
    }

    @Test
    void checksumZeroMeansUnchecked() throws Exception {
        RdbSink.Bytes sink = new RdbSink.Bytes();
        RdbWriter w = new RdbWriter(sink, ValueCodec.STRINGS, true, false);
        w.magic();
        w.entry(b("a"), b("b"), -1, -1, -1);
        w.eof();
        byte[] f = sink.toByteArray();
        assertThat(HexFormat.of().formatHex(f, f.length - 8, f.length)).isEqualTo("0000000000000000");
        RdbReader.Summary s = new RdbReader(new RdbSource.Bytes(f)).read(new Collect());
        assertThat(s.checksumVerified()).isFalse();
        assertThat(s.entries()).isEqualTo(1);
    }

    @Test
    void emptyAndBadHeaders() {
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(RdbException.class)
                .hasMessage("Unexpected EOF reading RDB file at offset 0");
        assertThatThrownBy(() -> read(b("REDIS001"))).hasMessageContaining("Unexpected EOF");
        assertThatThrownBy(() -> read(b("RODIS0010\u00ff"))).hasMessageContaining("Wrong signature");
        assertThatThrownBy(() -> read(b("REDIS0011\u00ff"))).hasMessageContaining("Can't handle RDB format version 11");
        assertThatThrownBy(() -> read(b("REDISabcd\u00ff"))).hasMessageContaining("Can't handle RDB format version 0");
    }

    @Test
    void oldVersionWithoutChecksumLoads() throws Exception {
        // Version 4: no CRC after EOF; EXPIRETIME in seconds.
        byte[] f = HexFormat.of().parseHex("524544495330303034" + "fd" + "10270000" + "00" + "0161" + "0162" + "ff");
        Collect c = new Collect();
        new RdbReader(new RdbSource.Bytes(f)).read(c);
        assertThat(c.entries).singleElement().extracting(Entry::key, Entry::expire).containsExactly("a", 10000_000L);
    }

    @Test
    void unsupportedAndUnknownTypes() throws Exception {
        byte[] head = b("REDIS0010");
        byte[] hash = concat(head, HexFormat.of().parseHex("fe00" + "04" + "0161" + "02"));
        assertThatThrownBy(() -> read(hash)).isInstanceOf(UnsupportedTypeException.class)
                .hasMessage("unsupported type 4 (hash) at offset 11");
        byte[] eight = concat(head, HexFormat.of().parseHex("08"));
        assertThatThrownBy(() -> read(eight)).hasMessage("unknown type 8 at offset 9");
        byte[] moduleAux = concat(head, HexFormat.of().parseHex("f7"));
        assertThatThrownBy(() -> read(moduleAux)).hasMessageContaining("module aux");
        byte[] fn = concat(head, HexFormat.of().parseHex("f5" + "0161" + "ff"));
        assertThatThrownBy(() -> read(fn)).hasMessageContaining("function");
    }

    @Test
    void truncatedAtEveryOffset() throws Exception {
        byte[] f = sampleFile(true);
        int step = Math.max(1, f.length / 3000);
        for (int n = 0; n < f.length; n += (n < 400 ? 1 : step)) {
            byte[] t = Arrays.copyOf(f, n);
            try {
                read(t);
                fail("truncated at " + n + " loaded");
            } catch (RdbException e) {
                assertThat(e.offset()).isBetween(0L, (long) n);
            } catch (Throwable e) {
                throw new AssertionError("truncated at " + n + ": " + e, e);
            }
        }
    }

    @Test
    void everyBitFlipIsDetected() throws Exception {
        RdbSink.Bytes sink = new RdbSink.Bytes();
        RdbWriter w = new RdbWriter(sink);
        w.header(new RdbWriter.AuxInfo("7.0.15", 1700000000L, 1000, false, null));
        w.selectDb(0);
        w.resizeDb(3, 1);
        w.entry(b("int"), b("300"), 4102444800000L, -1, -1);
        w.entry(b("str"), b("hello"), -1, -1, -1);
        w.entry(b("lzf"), b("abc".repeat(40)), -1, -1, -1);
        w.eof();
        byte[] f = sink.toByteArray();
        for (int i = 0; i < f.length; i++) {
            // The version digits are not covered: "0010" flipped to "001 " reads as version 1,
            // which has no checksum and is a valid file for Redis as well.
            if (i >= 5 && i < 9) continue;
            for (int bit = 0; bit < 8; bit++) {
                byte[] g = f.clone();
                g[i] ^= (byte) (1 << bit);
                try {
                    read(g);
                    fail("flip of bit " + bit + " at " + i + " went unnoticed");
                } catch (RdbException expected) {
                    // detected
                } catch (Throwable e) {
                    throw new AssertionError("flip at " + i + "/" + bit + ": " + e, e);
                }
            }
        }
    }

    @Test
    void randomGarbageNeverEscapes() {
        Random r = new Random(11);
        for (int i = 0; i < 20000; i++) {
            byte[] g = new byte[9 + r.nextInt(60)];
            r.nextBytes(g);
            System.arraycopy(b("REDIS0010"), 0, g, 0, 9);
            try {
                read(g);
            } catch (RdbException expected) {
                // fine
            } catch (Throwable e) {
                throw new AssertionError(HexFormat.of().formatHex(g) + ": " + e, e);
            }
        }
    }

    @Test
    void hugeDeclaredLengthsDoNotAllocate() {
        // A string claiming 2^31-17 bytes, then nothing: both with a known size and with a stream.
        byte[] f = concat(b("REDIS0010"), HexFormat.of().parseHex("00" + "0161" + "807fffffef"));
        assertThatThrownBy(() -> read(f)).hasMessageContaining("Unexpected EOF");
        assertThatThrownBy(() -> new RdbReader(new RdbSource.Stream(new ByteArrayInputStream(f), -1)).read(new Collect()))
                .hasMessageContaining("Unexpected EOF");
        byte[] g = concat(b("REDIS0010"), HexFormat.of().parseHex("00" + "0161" + "81ffffffffffffffff"));
        assertThatThrownBy(() -> read(g)).hasMessageContaining("too large");
        byte[] lzf = concat(b("REDIS0010"), HexFormat.of().parseHex("00" + "0161" + "c3" + "01" + "807fffffef" + "00"));
        assertThatThrownBy(() -> read(lzf)).hasMessageContaining("Invalid LZF");
    }

    @Test
    void leavesTheTailUnread() throws Exception {
        byte[] f = concat(sampleFile(true), b("*1\r\n$4\r\nPING\r\n"));
        RdbReader r = new RdbReader(new RdbSource.Bytes(f));
        r.read(new Collect());
        assertThat(new String(r.unreadBytes(), StandardCharsets.US_ASCII)).isEqualTo("*1\r\n$4\r\nPING\r\n");
        assertThat(r.position()).isEqualTo(f.length - 14);
    }

    private static void read(byte[] f) throws IOException {
        new RdbReader(new RdbSource.Bytes(f)).read(new Collect());
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] o = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, o, a.length, c.length);
        return o;
    }
}
