package io.vermilion.persistence.rdb;

import java.io.IOException;

/**
 * The DUMP/RESTORE serialization: the value's RDB type byte and encoding, then a footer of the
 * RDB version (2 bytes, little endian) and the CRC-64 of everything before the CRC (8 bytes,
 * little endian). Payloads of an RDB version above ours, or with a wrong CRC, are refused.
 */
public final class DumpPayload {
    private DumpPayload() {}

    /** DUMP of a value (compressing long strings when {@code compress}, as rdbcompression). */
    public static byte[] create(Object value, ValueCodec codec, boolean compress) {
        RdbSink.Bytes sink = new RdbSink.Bytes(64);
        RdbWriter w = new RdbWriter(sink, codec, compress, true, 512);
        try {
            w.object(value);
            w.writeByte(Rdb.VERSION & 0xff);
            w.writeByte((Rdb.VERSION >>> 8) & 0xff);
            long crc = w.crc();
            w.writeLongLE(crc);
            w.flush();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e); // a byte sink cannot fail
        }
        return sink.toByteArray();
    }

    /** The RDB version recorded in the footer, or -1 if the payload is too short to have one. */
    public static int version(byte[] p) {
        if (p.length < 10) return -1;
        return (p[p.length - 10] & 0xff) | (p[p.length - 9] & 0xff) << 8;
    }

    /** Redis's verifyDumpPayload: long enough, version not newer than ours, CRC matches. */
    public static boolean verify(byte[] p) {
        if (p.length < 10) return false;
        if (version(p) > Rdb.VERSION) return false;
        long crc = Crc64.update(0, p, 0, p.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) stored |= (p[p.length - 8 + i] & 0xffL) << (8 * i);
        return crc == stored;
    }

    /**
     * Decodes the value of a verified payload. Throws RdbException for a malformed body
     * ("Bad data format" in RESTORE terms) or an unsupported type.
     */
    public static Object decode(byte[] p, ValueCodec codec) throws RdbException {
        // The whole payload, footer included, is the input: Redis reads the body from the same
        // buffer, so a body that runs into the footer bytes is read the same way there.
        RdbReader r = new RdbReader(new RdbSource.Bytes(p), codec, false, Math.min(p.length, 1 << 16));
        try {
            int type = r.readByte();
            if (!Rdb.isObjectType(type)) throw new RdbException("unknown type " + type, 0);
            if (!codec.reads(type)) throw new UnsupportedTypeException(type, 0);
            return codec.read(r, type);
        } catch (RdbException e) {
            throw e;
        } catch (IOException e) {
            throw new RdbException(e.toString(), r.position(), e);
        }
    }
}
