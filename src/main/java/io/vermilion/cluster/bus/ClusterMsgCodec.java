package io.vermilion.cluster.bus;

import static io.vermilion.cluster.bus.ClusterMsgLayout.*;

import io.netty.buffer.ByteBuf;
import io.vermilion.cluster.SlotBitmap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes {@link ClusterMsg}s to Redis 7.0 bus bytes and decodes them back, validating like
 * Redis's packet processing does. Decoding never throws anything but {@link BusProtocolException}.
 *
 * <p>Validation, in Redis's order:
 * <ol>
 *   <li>frame: at least the 8-byte prefix, signature "RCmb", totlen equal to the frame's length and
 *       at least {@link ClusterMsgLayout#HEADER_LEN} (else {@link BusProtocolException.Kind#BAD_FRAME});</li>
 *   <li>packet: version 1, then totlen equal to the length the type implies: header + 104 per
 *       gossip entry + each extension's length (PING/PONG/MEET), + 40 (FAIL), + 8 + channel +
 *       message (PUBLISH*), + 0 (AUTH_REQUEST/ACK, MFSTART), + 2096 (UPDATE), + 13 + payload
 *       (MODULE); any length for unknown types. Extensions are only read when mflags0 has
 *       EXT_DATA.</li>
 * </ol>
 *
 * <p>The oracle is the redis-server 7.0.15 Debian ships (bookworm-security), which carries a fix for
 * out-of-bounds reads in ping extension handling on top of the upstream tag. Its checks, all
 * verified against that binary and all "drop the packet, keep the link": the gossip entries must
 * fit in totlen ("... with gossip count N that exceeds total packet length"); each extension
 * header must fit; each extension length, taken modulo 65536 as Redis does, must be a non-zero
 * multiple of 8 ("without proper padding") and fit; a hostname extension must end with a NUL in
 * its last byte ("missing null terminator in extension type 0"; an empty payload fails too), any
 * other type needs none. These are the verdicts of 7.0.15-1~deb12u10, the build a fresh machine
 * installs (deb12u7 had dropped the zero-length and terminator checks, deb12u6 had both); BusWireIT
 * compares every case against the installed binary.
 *
 * <p>Where Redis reads past the packet (a PUBLISH or MODULE too short to hold its own length
 * fields) it compares against garbage; we reject those packets as well, with an expected length
 * computed from what is there.
 */
public final class ClusterMsgCodec {
    private ClusterMsgCodec() {}

    // ------------------------------------------------------------------------------- encoding

    /** Total encoded length (the totlen field). */
    public static int encodedLength(ClusterMsg m) {
        long len = HEADER_LEN + bodyLength(m.body());
        if (len > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("message too large: " + len + " bytes");
        return (int) len;
    }

    private static long bodyLength(MsgBody body) {
        if (body instanceof MsgBody.Ping p) {
            long n = (long) GOSSIP_LEN * p.gossip().size();
            for (PingExt e : p.extensions()) n += extLength(e);
            return n;
        } else if (body instanceof MsgBody.Fail) {
            return FAIL_LEN;
        } else if (body instanceof MsgBody.Publish p) {
            return PUBLISH_FIXED_LEN + (long) p.channel().length + p.message().length;
        } else if (body instanceof MsgBody.Update) {
            return UPDATE_LEN;
        } else if (body instanceof MsgBody.Module m) {
            return MODULE_FIXED_LEN + (long) m.payload().length;
        } else if (body instanceof MsgBody.Unknown u) {
            return u.data().length;
        }
        return 0; // Empty
    }

    private static int extLength(PingExt e) {
        if (e instanceof PingExt.Hostname h) {
            // The hostname is NUL-terminated, then padded to a multiple of 8.
            return PING_EXT_HEADER_LEN + align8(h.hostname().length() + 1);
        }
        return PING_EXT_HEADER_LEN + ((PingExt.Unknown) e).payload().length;
    }

    /** The message's bytes, exactly as a Redis 7.0 node would send it. */
    public static byte[] encode(ClusterMsg m) {
        int totlen = encodedLength(m);
        byte[] b = new byte[totlen];
        ClusterMsgHeader h = m.header();
        MsgBody body = m.body();

        int count = 0;
        int extensions = 0;
        int mflags0 = h.mflags0(); // EXT_DATA already normalised by ClusterMsg
        if (body instanceof MsgBody.Ping p) {
            count = p.gossip().size();
            extensions = p.extensions().size();
        } else if (body instanceof MsgBody.Unknown u) {
            count = u.count();
            extensions = u.extensions();
        }

        System.arraycopy(SIGNATURE, 0, b, OFF_SIG, 4);
        putU32(b, OFF_TOTLEN, totlen);
        putU16(b, OFF_VER, PROTO_VER);
        putU16(b, OFF_PORT, h.port());
        putU16(b, OFF_TYPE, h.type());
        putU16(b, OFF_COUNT, count);
        putU64(b, OFF_CURRENT_EPOCH, h.currentEpoch());
        putU64(b, OFF_CONFIG_EPOCH, h.configEpoch());
        putU64(b, OFF_OFFSET, h.offset());
        putText(b, OFF_SENDER, h.sender());
        h.writeSlots(b, OFF_MYSLOTS);
        if (h.slaveof() != null) putText(b, OFF_SLAVEOF, h.slaveof());
        putText(b, OFF_MYIP, h.myip());
        putU16(b, OFF_EXTENSIONS, extensions);
        putU16(b, OFF_PPORT, h.pport());
        putU16(b, OFF_CPORT, h.cport());
        putU16(b, OFF_FLAGS, h.flags());
        b[OFF_STATE] = (byte) h.state();
        b[OFF_MFLAGS] = (byte) mflags0;
        b[OFF_MFLAGS + 1] = (byte) h.mflags1();
        b[OFF_MFLAGS + 2] = (byte) h.mflags2();

        int pos = OFF_DATA;
        if (body instanceof MsgBody.Ping p) {
            for (GossipEntry g : p.gossip()) {
                putText(b, pos + G_NODENAME, g.nodeName());
                putU32(b, pos + G_PING_SENT, g.pingSent());
                putU32(b, pos + G_PONG_RECEIVED, g.pongReceived());
                putText(b, pos + G_IP, g.ip());
                putU16(b, pos + G_PORT, g.port());
                putU16(b, pos + G_CPORT, g.cport());
                putU16(b, pos + G_FLAGS, g.flags());
                putU16(b, pos + G_PPORT, g.pport());
                pos += GOSSIP_LEN;
            }
            for (PingExt e : p.extensions()) {
                int len = extLength(e);
                putU32(b, pos, len);
                putU16(b, pos + 4, e.type());
                if (e instanceof PingExt.Hostname hn) {
                    putText(b, pos + PING_EXT_HEADER_LEN, hn.hostname());
                } else {
                    byte[] payload = ((PingExt.Unknown) e).payload();
                    System.arraycopy(payload, 0, b, pos + PING_EXT_HEADER_LEN, payload.length);
                }
                pos += len;
            }
        } else if (body instanceof MsgBody.Fail f) {
            putText(b, pos, f.nodeName());
        } else if (body instanceof MsgBody.Publish p) {
            byte[] ch = p.channel();
            byte[] msg = p.message();
            putU32(b, pos, ch.length);
            putU32(b, pos + 4, msg.length);
            System.arraycopy(ch, 0, b, pos + 8, ch.length);
            System.arraycopy(msg, 0, b, pos + 8 + ch.length, msg.length);
        } else if (body instanceof MsgBody.Update u) {
            putU64(b, pos, u.configEpoch());
            putText(b, pos + 8, u.nodeName());
            u.slots().writeTo(b, pos + 8 + NAMELEN);
        } else if (body instanceof MsgBody.Module md) {
            long id = md.moduleId();
            for (int i = 0; i < 8; i++) b[pos + i] = (byte) (id >>> (8 * i)); // raw, host (little-endian) order
            putU32(b, pos + 8, md.payload().length);
            b[pos + 12] = (byte) md.moduleType();
            byte[] payload = md.payload();
            System.arraycopy(payload, 0, b, pos + MODULE_FIXED_LEN, payload.length);
        } else if (body instanceof MsgBody.Unknown u) {
            byte[] data = u.data();
            System.arraycopy(data, 0, b, pos, data.length);
        }
        return b;
    }

    /** Appends the encoded message to a Netty buffer. */
    public static void encode(ClusterMsg m, ByteBuf out) {
        out.writeBytes(encode(m));
    }

    // ------------------------------------------------------------------------------- decoding

    /**
     * Checks an 8-byte frame prefix the way Redis does as soon as it has read it, plus our upper
     * bound.
     *
     * @return totlen
     * @throws BusProtocolException of kind BAD_FRAME: the link must be closed
     */
    public static int checkPrefix(byte[] b, int off, long maxFrame) throws BusProtocolException {
        if (b[off] != 'R' || b[off + 1] != 'C' || b[off + 2] != 'm' || b[off + 3] != 'b') {
            throw BusProtocolException.frame("Bad message length or signature received from Cluster bus: bad signature "
                    + hex(b, off, 4));
        }
        long totlen = u32(b, off + 4);
        if (totlen < HEADER_LEN) {
            throw BusProtocolException.frame("Bad message length or signature received from Cluster bus: totlen "
                    + totlen + " below minimum " + HEADER_LEN);
        }
        if (totlen > maxFrame) {
            throw BusProtocolException.frame("cluster bus frame of " + totlen + " bytes exceeds limit of " + maxFrame);
        }
        return (int) totlen;
    }

    public static ClusterMsg decode(byte[] frame) throws BusProtocolException {
        return decode(frame, 0, frame.length);
    }

    /** Decodes exactly one frame of {@code len} bytes at {@code off}. */
    public static ClusterMsg decode(byte[] b, int off, int len) throws BusProtocolException {
        if (b == null || off < 0 || len < 0 || off > b.length - len) {
            throw BusProtocolException.frame("no frame bytes");
        }
        if (len < PREFIX_LEN) throw BusProtocolException.frame("frame shorter than the 8-byte prefix: " + len + " bytes");
        int totlen = checkPrefix(b, off, Integer.MAX_VALUE);
        if (totlen != len) {
            throw BusProtocolException.frame("frame of " + len + " bytes but totlen says " + totlen);
        }
        // From here on the frame is well delimited: problems only drop this packet.
        int ver = u16(b, off + OFF_VER);
        if (ver != PROTO_VER) throw BusProtocolException.packet("unsupported cluster bus protocol version " + ver);

        int type = u16(b, off + OFF_TYPE);
        MessageType mt = MessageType.of(type);
        int count = u16(b, off + OFF_COUNT);
        int extensions = u16(b, off + OFF_EXTENSIONS);
        int mflags0 = b[off + OFF_MFLAGS] & 0xff;
        String typeText = MessageType.textOf(type);

        long explen;
        List<int[]> extSpans = null; // [start, length] of each extension, relative to off
        if (mt != null && mt.isPingLike()) {
            explen = HEADER_LEN + (long) GOSSIP_LEN * count;
            if (explen > totlen) {
                throw BusProtocolException.packet("Received invalid " + typeText + " packet with gossip count "
                        + count + " that exceeds total packet length (" + totlen + ")");
            }
            if ((mflags0 & FLAG0_EXT_DATA) != 0) {
                extSpans = new ArrayList<>();
                for (int i = 0; i < extensions; i++) {
                    if (totlen - explen < PING_EXT_HEADER_LEN) throw exceeds(typeText, totlen);
                    // Redis keeps the 32-bit length in a 16-bit variable here; we do the same so
                    // that we accept and reject exactly the packets it does.
                    int extlen = (int) (u32(b, off + (int) explen) & 0xffff);
                    // deb12u10 counts a zero length as bad padding too (deb12u7 let it through to
                    // the total length check).
                    if (extlen % 8 != 0 || extlen == 0) {
                        throw BusProtocolException.packet("Received a " + typeText
                                + " packet without proper padding (" + extlen + " bytes)");
                    }
                    if (totlen - explen < extlen) throw exceeds(typeText, totlen);
                    int extType = u16(b, off + (int) explen + 4);
                    // A hostname must end with a NUL in its last byte (an empty one too).
                    if (extType == EXT_TYPE_HOSTNAME
                            && (extlen == PING_EXT_HEADER_LEN || b[off + (int) explen + extlen - 1] != 0)) {
                        throw BusProtocolException.packet("Received " + typeText
                                + " packet with missing null terminator in extension type " + extType);
                    }
                    extSpans.add(new int[] {(int) explen, extlen});
                    explen += extlen;
                }
            }
        } else if (mt == MessageType.FAIL) {
            explen = HEADER_LEN + FAIL_LEN;
        } else if (mt == MessageType.PUBLISH || mt == MessageType.PUBLISHSHARD) {
            explen = HEADER_LEN + PUBLISH_FIXED_LEN;
            if (totlen >= explen) explen += u32(b, off + OFF_DATA) + u32(b, off + OFF_DATA + 4);
        } else if (mt == MessageType.FAILOVER_AUTH_REQUEST || mt == MessageType.FAILOVER_AUTH_ACK
                || mt == MessageType.MFSTART) {
            explen = HEADER_LEN;
        } else if (mt == MessageType.UPDATE) {
            explen = HEADER_LEN + UPDATE_LEN;
        } else if (mt == MessageType.MODULE) {
            explen = HEADER_LEN + MODULE_FIXED_LEN;
            if (totlen >= explen) explen += u32(b, off + OFF_DATA + 8);
        } else {
            explen = totlen; // Redis assumes packets of unknown types are well formed.
        }
        if (explen != totlen) {
            throw BusProtocolException.packet("Received invalid " + typeText + " packet of length " + totlen
                    + " but expected length " + explen);
        }

        ClusterMsgHeader header = decodeHeader(b, off, type, mflags0);
        int pos = off + OFF_DATA;
        MsgBody body;
        if (mt == null) {
            body = new MsgBody.Unknown(count, extensions, java.util.Arrays.copyOfRange(b, pos, off + totlen));
        } else {
            body = switch (mt) {
                case PING, PONG, MEET -> decodePing(b, off, count, extSpans);
                case FAIL -> new MsgBody.Fail(latin1(b, pos, NAMELEN));
                case PUBLISH, PUBLISHSHARD -> {
                    int cl = (int) u32(b, pos);
                    int ml = (int) u32(b, pos + 4);
                    byte[] ch = java.util.Arrays.copyOfRange(b, pos + 8, pos + 8 + cl);
                    byte[] msg = java.util.Arrays.copyOfRange(b, pos + 8 + cl, pos + 8 + cl + ml);
                    yield new MsgBody.Publish(ch, msg);
                }
                case FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART -> MsgBody.Empty.INSTANCE;
                case UPDATE -> new MsgBody.Update(u64(b, pos), latin1(b, pos + 8, NAMELEN),
                        SlotBitmap.fromBytes(b, pos + 8 + NAMELEN));
                case MODULE -> {
                    long id = 0;
                    for (int i = 7; i >= 0; i--) id = (id << 8) | (b[pos + i] & 0xff);
                    int plen = (int) u32(b, pos + 8);
                    yield new MsgBody.Module(id, b[pos + 12] & 0xff,
                            java.util.Arrays.copyOfRange(b, pos + MODULE_FIXED_LEN, pos + MODULE_FIXED_LEN + plen));
                }
            };
        }
        return new ClusterMsg(header, body);
    }

    private static BusProtocolException exceeds(String typeText, long totlen) {
        return BusProtocolException.packet("Received invalid " + typeText
                + " packet with extension data that exceeds total packet length (" + totlen + ")");
    }

    private static ClusterMsgHeader decodeHeader(byte[] b, int off, int type, int mflags0) {
        boolean master = true;
        for (int i = 0; i < NAMELEN; i++) {
            if (b[off + OFF_SLAVEOF + i] != 0) { master = false; break; }
        }
        return new ClusterMsgHeader(
                type,
                u16(b, off + OFF_PORT),
                u64(b, off + OFF_CURRENT_EPOCH),
                u64(b, off + OFF_CONFIG_EPOCH),
                u64(b, off + OFF_OFFSET),
                latin1(b, off + OFF_SENDER, NAMELEN),
                SlotBitmap.fromBytes(b, off + OFF_MYSLOTS),
                master ? null : latin1(b, off + OFF_SLAVEOF, NAMELEN),
                // Redis forces the last byte of myip to NUL before using it.
                cString(b, off + OFF_MYIP, IP_LEN - 1),
                u16(b, off + OFF_PPORT),
                u16(b, off + OFF_CPORT),
                u16(b, off + OFF_FLAGS),
                b[off + OFF_STATE] & 0xff,
                mflags0,
                b[off + OFF_MFLAGS + 1] & 0xff,
                b[off + OFF_MFLAGS + 2] & 0xff);
    }

    private static MsgBody.Ping decodePing(byte[] b, int off, int count, List<int[]> extSpans) {
        List<GossipEntry> gossip = new ArrayList<>(count);
        int pos = off + OFF_DATA;
        for (int i = 0; i < count; i++, pos += GOSSIP_LEN) {
            gossip.add(new GossipEntry(
                    latin1(b, pos + G_NODENAME, NAMELEN),
                    u32(b, pos + G_PING_SENT),
                    u32(b, pos + G_PONG_RECEIVED),
                    cString(b, pos + G_IP, IP_LEN),
                    u16(b, pos + G_PORT),
                    u16(b, pos + G_CPORT),
                    u16(b, pos + G_FLAGS),
                    u16(b, pos + G_PPORT)));
        }
        List<PingExt> exts = new ArrayList<>();
        if (extSpans != null) {
            for (int[] span : extSpans) {
                int start = off + span[0];
                int len = span[1];
                int etype = u16(b, start + 4);
                int dataStart = start + PING_EXT_HEADER_LEN;
                int dataLen = len - PING_EXT_HEADER_LEN;
                if (etype == EXT_TYPE_HOSTNAME) {
                    exts.add(new PingExt.Hostname(cString(b, dataStart, dataLen)));
                } else {
                    exts.add(new PingExt.Unknown(etype, java.util.Arrays.copyOfRange(b, dataStart, dataStart + dataLen)));
                }
            }
        }
        return new MsgBody.Ping(gossip, exts);
    }

    // ------------------------------------------------------------------------------- bytes

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static long u64(byte[] b, int i) {
        long v = 0;
        for (int k = 0; k < 8; k++) v = (v << 8) | (b[i + k] & 0xff);
        return v;
    }

    private static void putU16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    private static void putU64(byte[] b, int i, long v) {
        for (int k = 7; k >= 0; k--) {
            b[i + k] = (byte) v;
            v >>>= 8;
        }
    }

    /** Single-byte text; the rest of the (pre-zeroed) field stays NUL. */
    private static void putText(byte[] b, int i, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, b, i, bytes.length);
    }

    private static String latin1(byte[] b, int i, int len) {
        return new String(b, i, len, StandardCharsets.ISO_8859_1);
    }

    /** Text up to the first NUL within {@code max} bytes. */
    private static String cString(byte[] b, int i, int max) {
        int n = 0;
        while (n < max && b[i + n] != 0) n++;
        return new String(b, i, n, StandardCharsets.ISO_8859_1);
    }

    private static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) sb.append(String.format("%02x", b[off + i] & 0xff));
        return sb.toString();
    }
}
