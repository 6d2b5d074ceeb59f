package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.types.Stream;
import io.vermilion.types.StreamId;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stream RDB payloads: DUMPs made by redis-server 7.0.15 load and re-dump to the same bytes,
 * streams built here dump to Redis's bytes, and corrupt payloads are refused (never a crash).
 */
class StreamCodecTest {
    private static final ValueCodec CODEC = ValueCodec.of(ValueCodec.STRINGS, StreamCodec.INSTANCE);

    /** XADD a 1-1 a 1; XADD a 1-2 a 2 b 3; XADD a 2-0 long... long...; XDEL a 1-2 (LZF-compressed node). */
    static final String A = "13011000000000000000010000000000000001c34072409607960000001a000201400007816102000102010020010201010420034007000240162004046202030108601101dfff202e1bae6c6f6e672d6669656c642d6e616d652d746861742d69732d6d6f72600c0f6e2d7477656e74792d62797465732fa9602f0376616c75601de0122a032a0601ff0202000101010203000a005447bbcb57771e12";
    /** Three entries, group g1 (alice: 1-1 1-2, bob: 1-3), group g2 at $ with consumer carol. */
    static final String B = "13011000000000000000010000000000000001c32d3311330000001400030100010101816602000102200a05000181760204600a20150077a00a0302018178200a00ff030103010100000302026731010303030000000000000001000000000000000104c20937a2010000010000000000000001000000000000000204c20937a2010000010000000000000001000000000000000318c20937a2010000010205616c69636504c20937a201000002000000000000000100000000000000010000000000000001000000000000000203626f6218c20937a20100000100000000000000010000000000000003026732010381ffffffffffffffff0001056361726f6c2dc20937a2010000000a0096a3cb587851d6db";
    /** stream-node-max-entries 2, XADD c 1-0..5-0 k i, XTRIM c MAXLEN 2: two nodes, one with tombstones. */
    static final String C = "1302100000000000000003000000000000000026260000000f00010101010101816b0200010301000100010301040102010101000104010401ff10000000000000000500000000000000001c1c0000000a00010100010101816b02000102010001000105010401ff0205000400000005000a001c51074d3d12c34f";
    /** XGROUP CREATE d g $ MKSTREAM: an empty stream with a group. */
    static final String D = "13000000000000000000010167000081ffffffffffffffff00000a00a01a953dfb9cddde";

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }

    private static Stream load(String h) throws RdbException {
        return (Stream) DumpPayload.decode(hex(h), CODEC);
    }

    private static String dump(Stream s) {
        return HexFormat.of().formatHex(DumpPayload.create(s, CODEC, true));
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    @Test
    void redisPayloadsLoadAndDumpToTheSameBytes() throws Exception {
        for (String h : List.of(A, B, C, D)) {
            assertThat(DumpPayload.verify(hex(h))).isTrue();
            Stream s = load(h);
            assertThat(dump(s)).isEqualTo(h);
            assertThat(dump(s.copy())).isEqualTo(h);
        }
    }

    @Test
    void loadedContent() throws Exception {
        Stream a = load(A);
        assertThat(a.length).isEqualTo(2);
        assertThat(a.dump()).containsExactly(List.of("1-1", "a", "1"),
                List.of("2-0", "long-field-name-that-is-more-than-twenty-bytes", "long-value-that-is-more-than-twenty-bytes"));
        assertThat(a.maxDeletedId).isEqualTo(StreamId.of(1, 2));
        assertThat(a.entriesAdded).isEqualTo(3);
        Stream b = load(B);
        Stream.Group g1 = b.group(b("g1"));
        assertThat(g1.pel).hasSize(3);
        assertThat(g1.consumer(b("alice")).pel.keySet()).containsExactly(StreamId.of(1, 1), StreamId.of(1, 2));
        assertThat(g1.consumer(b("bob")).pel.keySet()).containsExactly(StreamId.of(1, 3));
        assertThat(g1.pel.get(StreamId.of(1, 3)).consumer.name).isEqualTo(b("bob"));
        assertThat(g1.entriesRead).isEqualTo(3);
        Stream.Group g2 = b.group(b("g2"));
        assertThat(g2.lastId).isEqualTo(StreamId.of(1, 3));
        assertThat(g2.consumers.keySet()).hasSize(1);
        Stream c = load(C);
        assertThat(c.nodeCount()).isEqualTo(2);
        assertThat(c.dump()).containsExactly(List.of("4-0", "k", "4"), List.of("5-0", "k", "5"));
        assertThat(c.firstId).isEqualTo(StreamId.of(4, 0));
        assertThat(c.radixTreeNodes()).isEqualTo(6);
        Stream d = load(D);
        assertThat(d.length).isZero();
        assertThat(d.group(b("g")).entriesRead).isEqualTo(-1);
    }

    @Test
    void streamsBuiltHereDumpAsRedis() {
        Stream a = new Stream();
        append(a, StreamId.of(1, 1), "a", "1");
        append(a, StreamId.of(1, 2), "a", "2", "b", "3");
        append(a, StreamId.of(2, 0), "long-field-name-that-is-more-than-twenty-bytes", "long-value-that-is-more-than-twenty-bytes");
        assertThat(a.delete(StreamId.of(1, 2))).isTrue();
        a.maxDeletedId = StreamId.of(1, 2);
        assertThat(dump(a)).isEqualTo(A);

        Stream c = new Stream();
        for (int i = 1; i <= 5; i++) {
            c.append(StreamId.of(i, 0), new byte[][] {b("k"), b(Integer.toString(i))}, 0, 1, 4096, 2);
        }
        assertThat(c.trim(Stream.TRIM_MAXLEN, 2, null, false, 0)).isEqualTo(3);
        assertThat(dump(c)).isEqualTo(C);

        Stream d = new Stream();
        d.createGroup(b("g"), StreamId.ZERO, Stream.INVALID_ENTRIES_READ);
        assertThat(dump(d)).isEqualTo(D);
    }

    private static void append(Stream s, StreamId id, String... fv) {
        byte[][] argv = new byte[fv.length][];
        for (int i = 0; i < fv.length; i++) argv[i] = b(fv[i]);
        s.append(id, argv, 0, fv.length / 2, 4096, 100);
    }

    @Test
    void writesType19AndReadsType15() throws Exception {
        assertThat(StreamCodec.INSTANCE.typeOf(new Stream())).isEqualTo(19);
        assertThat(StreamCodec.INSTANCE.reads(15)).isTrue();
        assertThat(StreamCodec.INSTANCE.reads(19)).isTrue();
        // the same stream as B, in the 6.x layout (type 15): no first/max-deleted/entries-added, no entries-read
        Stream b = load(B);
        byte[] v15 = type15(b);
        Stream back = (Stream) DumpPayload.decode(v15, CODEC);
        assertThat(back.dump()).isEqualTo(b.dump());
        assertThat(back.entriesAdded).isEqualTo(3);
        assertThat(back.firstId).isEqualTo(StreamId.of(1, 1));
        assertThat(back.group(b("g1")).entriesRead).isEqualTo(3);   // its last ID is the stream's last
        assertThat(back.group(b("g1")).pel).hasSize(3);
    }

    /** A type-15 DUMP of s, written field by field as Redis 6.2 did. */
    private static byte[] type15(Stream s) throws java.io.IOException {
        RdbSink.Bytes sink = new RdbSink.Bytes(64);
        RdbWriter w = new RdbWriter(sink, CODEC, false, true, 512);
        w.writeByte(15);
        w.writeLen(s.nodeCount());
        for (var e : s.nodes().entrySet()) {
            byte[] k = e.getKey().encode();
            w.writeString(k, 0, 16);
            w.writeString(e.getValue().toBytes(), 0, e.getValue().bytes());
        }
        w.writeLen(s.length);
        w.writeLen(s.lastId.ms);
        w.writeLen(s.lastId.seq);
        w.writeLen(s.groupCount());
        for (Stream.Group g : s.groups()) {
            w.writeString(g.name, 0, g.name.length);
            w.writeLen(g.lastId.ms);
            w.writeLen(g.lastId.seq);
            w.writeLen(g.pel.size());
            for (var e : g.pel.entrySet()) {
                w.writeRaw(e.getKey().encode());
                w.writeLongLE(e.getValue().deliveryTime);
                w.writeLen(e.getValue().deliveryCount);
            }
            w.writeLen(g.consumers.size());
            for (Stream.Consumer c : g.consumers.values()) {
                w.writeString(c.name, 0, c.name.length);
                w.writeLongLE(c.seenTime);
                w.writeLen(c.pel.size());
                for (StreamId id : c.pel.keySet()) w.writeRaw(id.encode());
            }
        }
        w.writeByte(10);
        w.writeByte(0);
        w.writeLongLE(w.crc());
        w.flush();
        return sink.toByteArray();
    }

    /** Replaces bytes of a payload body and fixes the CRC. */
    private static byte[] patch(String h, int at, int... bytes) {
        byte[] p = hex(h);
        for (int i = 0; i < bytes.length; i++) p[at + i] = (byte) bytes[i];
        return recrc(p);
    }

    private static byte[] recrc(byte[] p) {
        long crc = Crc64.update(0, p, 0, p.length - 8);
        for (int i = 0; i < 8; i++) p[p.length - 8 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    @Test
    void corruptPayloadsAreRefused() {
        // node key of 15 bytes
        assertCorrupt(patch(C, 2, 0x0f));
        // a listpack header announcing one byte more
        assertCorrupt(patch(C, 19, 0x27));
        // truncated: the body ends inside a listpack, or anywhere (the footer bytes may then be read
        // as data, as Redis reads them: a prefix is refused or loads something consistent)
        byte[] c = hex(C);
        byte[] half = new byte[c.length / 2 + 10];
        System.arraycopy(c, 0, half, 0, c.length / 2);
        half[c.length / 2] = 10;
        assertCorrupt(recrc(half));
        int refused = 0, cuts = 0;
        for (String h : List.of(A, B, C, D)) {
            byte[] full = hex(h);
            for (int cut = 1; cut < full.length - 10; cut++) {
                byte[] p = new byte[cut + 10];
                System.arraycopy(full, 0, p, 0, cut);
                p[cut] = 10;
                cuts++;
                try {
                    exercise((Stream) DumpPayload.decode(recrc(p), CODEC));
                } catch (RdbException e) {
                    refused++;
                }
            }
        }
        assertThat(refused).isGreaterThan(cuts * 9 / 10);
        // every single-byte change of the bodies either loads a consistent stream or is refused
        for (String h : List.of(A, B, C, D)) {
            byte[] full = hex(h);
            for (int at = 1; at < full.length - 10; at++) {
                for (int v : new int[] {0x00, 0x01, 0x7f, 0x80, 0xff}) {
                    byte[] p = full.clone();
                    p[at] = (byte) v;
                    recrc(p);
                    try {
                        exercise((Stream) DumpPayload.decode(p, CODEC));
                    } catch (RdbException e) {
                        // refused: fine
                    }
                }
            }
        }
    }

    /** Walks a loaded stream every way the commands do: none of it may throw. */
    private static void exercise(Stream s) {
        s.dump();
        Stream.Iter it = s.iterator(null, null, true);
        while (it.next()) for (long i = 0; i < it.numFields; i++) it.nextField();
        s.lastValidId();
        s.radixTreeNodes();
        s.copy().rewrite(b("k"), cmd -> { });
        DumpPayload.create(s, CODEC, true);
    }

    private static void assertCorrupt(byte[] p) {
        assertThatThrownBy(() -> DumpPayload.decode(p, CODEC)).isInstanceOf(RdbException.class);
    }
}
