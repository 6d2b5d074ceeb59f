package io.vermilion.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BusFrameReaderTest {

    static ClusterMsg ping(int gossip) {
        List<GossipEntry> g = new ArrayList<>();
        for (int i = 0; i < gossip; i++) {
            g.add(new GossipEntry(ClusterMsgCodecTest.C, i, i, "127.0.0.1", 7000 + i, 17000 + i, 1, 0));
        }
        return ClusterMsg.ping(MessageType.PING, ClusterMsgCodecTest.header(MessageType.PING), g,
                List.of(new PingExt.Hostname("h" + gossip)));
    }

    @Test
    void yieldsWholeFramesWhateverTheChunking() throws Exception {
        List<ClusterMsg> sent = List.of(ping(0), ping(3),
                ClusterMsg.publish(false, ClusterMsgCodecTest.header(MessageType.PUBLISH), new byte[100_000], new byte[3]),
                ClusterMsg.fail(ClusterMsgCodecTest.header(MessageType.FAIL), ClusterMsgCodecTest.B));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ClusterMsg m : sent) all.writeBytes(ClusterMsgCodec.encode(m));
        byte[] stream = all.toByteArray();

        Random r = new Random(7);
        for (int round = 0; round < 20; round++) {
            BusFrameReader reader = new BusFrameReader();
            List<ClusterMsg> got = new ArrayList<>();
            int pos = 0;
            while (pos < stream.length) {
                int n = round == 0 ? 1 : Math.min(stream.length - pos, 1 + r.nextInt(round * 500));
                reader.feed(stream, pos, n);
                pos += n;
                ClusterMsg m;
                while ((m = reader.next()) != null) got.add(m);
            }
            assertThat(got).isEqualTo(sent);
            assertThat(reader.buffered()).isZero();
        }
    }

    @Test
    void incompleteFrameWaits() throws Exception {
        byte[] b = ClusterMsgCodec.encode(ping(1));
        BusFrameReader reader = new BusFrameReader();
        reader.feed(b, 0, 7);
        assertThat(reader.nextFrame()).isNull();
        reader.feed(b, 7, b.length - 8);
        assertThat(reader.nextFrame()).isNull();
        assertThat(reader.buffered()).isEqualTo(b.length - 1);
        reader.feed(b, b.length - 1, 1);
        assertThat(reader.nextFrame()).isEqualTo(b);
        assertThat(reader.nextFrame()).isNull();
    }

    @Test
    void badPrefixFailsAsSoonAsEightBytesArriveAndStaysFailed() throws Exception {
        BusFrameReader reader = new BusFrameReader();
        reader.feed("RCmX".getBytes(), 0, 4);
        assertThat(reader.nextFrame()).isNull(); // not 8 bytes yet
        reader.feed(new byte[] {0, 0, 0x10, 0}, 0, 4);
        assertThatThrownBy(reader::nextFrame).isInstanceOf(BusProtocolException.class)
                .matches(e -> ((BusProtocolException) e).closesLink())
                .hasMessageContaining("bad signature");
        reader.feed(ClusterMsgCodec.encode(ping(0)));
        assertThatThrownBy(reader::next).isInstanceOf(BusProtocolException.class); // sticky
        assertThat(reader.buffered()).isEqualTo(8); // nothing more is kept once failed
    }

    @Test
    void totlenBelowHeaderOrAboveLimitIsAFrameError() {
        byte[] prefix = new byte[8];
        System.arraycopy(ClusterMsgLayout.SIGNATURE, 0, prefix, 0, 4);
        ByteBuffer.wrap(prefix).putInt(4, 2255);
        BusFrameReader r1 = new BusFrameReader();
        r1.feed(prefix);
        assertThatThrownBy(r1::nextFrame).hasMessageContaining("below minimum 2256");

        ByteBuffer.wrap(prefix).putInt(4, 10_001);
        BusFrameReader r2 = new BusFrameReader(10_000);
        r2.feed(prefix);
        assertThatThrownBy(r2::nextFrame).hasMessageContaining("exceeds limit of 10000")
                .matches(e -> ((BusProtocolException) e).kind() == BusProtocolException.Kind.BAD_FRAME);

        ByteBuffer.wrap(prefix).putInt(4, -1); // 4 GiB - 1 with the default limit
        BusFrameReader r3 = new BusFrameReader();
        r3.feed(prefix);
        assertThatThrownBy(r3::nextFrame).hasMessageContaining("4294967295");
    }

    @Test
    void badPacketIsDroppedAndTheNextFrameStillComes() throws Exception {
        byte[] bad = ClusterMsgCodec.encode(ping(0));
        ByteBuffer.wrap(bad).putShort(8, (short) 9); // version 9
        byte[] good = ClusterMsgCodec.encode(ping(2));
        BusFrameReader reader = new BusFrameReader();
        reader.feed(bad);
        reader.feed(good);
        assertThatThrownBy(reader::next).isInstanceOf(BusProtocolException.class)
                .matches(e -> !((BusProtocolException) e).closesLink());
        assertThat(reader.next()).isEqualTo(ping(2));
        assertThat(reader.next()).isNull();
    }

    @Test
    void nettyByteBufFeedingAndStatelessReadFrame() throws Exception {
        byte[] a = ClusterMsgCodec.encode(ping(1));
        byte[] b = ClusterMsgCodec.encode(ping(2));
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(a).writeBytes(b, 0, 100);
            assertThat(BusFrameReader.readFrame(buf, BusFrameReader.DEFAULT_MAX_FRAME)).isEqualTo(a);
            assertThat(BusFrameReader.readFrame(buf, BusFrameReader.DEFAULT_MAX_FRAME)).isNull();
            assertThat(buf.readableBytes()).isEqualTo(100); // untouched when incomplete
            buf.writeBytes(b, 100, b.length - 100);
            assertThat(BusFrameReader.readFrame(buf, BusFrameReader.DEFAULT_MAX_FRAME)).isEqualTo(b);

            buf.clear().writeBytes(new byte[] {'x', 'x', 'x', 'x', 0, 0, 9, 0});
            assertThatThrownBy(() -> BusFrameReader.readFrame(buf, BusFrameReader.DEFAULT_MAX_FRAME))
                    .isInstanceOf(BusProtocolException.class);

            BusFrameReader reader = new BusFrameReader();
            buf.clear().writeBytes(a).writeBytes(b);
            reader.feed(buf);
            assertThat(buf.readableBytes()).isZero();
            assertThat(reader.next()).isEqualTo(ping(1));
            assertThat(reader.next()).isEqualTo(ping(2));
        } finally {
            buf.release();
        }
    }

    @Test
    void garbageStreamsOnlyRaiseBusProtocolException() {
        Random r = new Random(99);
        int closed = 0;
        int dropped = 0;
        for (int i = 0; i < 500; i++) {
            BusFrameReader reader = new BusFrameReader(1 << 20);
            byte[] junk = new byte[r.nextInt(20_000)];
            r.nextBytes(junk);
            if (i % 3 == 0 && junk.length > 8) {
                System.arraycopy(ClusterMsgLayout.SIGNATURE, 0, junk, 0, 4);
                ByteBuffer.wrap(junk).putInt(4, 2256 + r.nextInt(junk.length));
            }
            int pos = 0;
            boolean dead = false;
            while (pos < junk.length && !dead) {
                int n = Math.min(junk.length - pos, 1 + r.nextInt(3000));
                reader.feed(junk, pos, n);
                pos += n;
                try {
                    while (reader.next() != null) { /* drain */ }
                } catch (BusProtocolException e) {
                    dead = e.closesLink();
                    if (dead) closed++; else dropped++;
                }
            }
        }
        // No unchecked exception escaped; random prefixes close links, plausible ones drop packets.
        assertThat(closed).isGreaterThan(300);
        assertThat(dropped).isGreaterThan(0);
    }
}
