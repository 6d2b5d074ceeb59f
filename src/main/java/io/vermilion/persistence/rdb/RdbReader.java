package io.vermilion.persistence.rdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the RDB format (versions 1 to 10) from a {@link RdbSource} and reports its contents to a
 * {@link RdbHandler}. Also the primitive decoders (lengths, encoded strings) value codecs use.
 *
 * <p>Hostile or damaged input never crashes it: every failure is an {@link RdbException} carrying
 * the offset where it happened — truncation ("Unexpected EOF"), bad lengths, bad encodings, bad
 * LZF data, checksum mismatch, types it does not support ("unsupported type N"). Declared lengths
 * are never trusted for allocation: a length beyond what the source holds fails before
 * allocating, and when the source size is unknown large strings are read in growing chunks.
 */
public final class RdbReader {
    private static final int BUF = 64 * 1024;
    /** Largest array Java can allocate, with room. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    /** An LZF chunk of 3 bytes expands to at most 264: anything claiming more is corrupt. */
    private static final long LZF_MAX_RATIO = 88;

    private final RdbSource src;
    private final ValueCodec codec;
    private final boolean verifyChecksum;
    private final byte[] buf;
    private int pos;          // next byte to consume in buf
    private int lim;          // end of valid bytes in buf
    private int crcMark;      // bytes of buf before this index are already in crc
    private long base;        // stream offset of buf[0]
    private long crc;
    private int version;
    private boolean lastEncoded;
    private io.vermilion.config.Config config;   // encoding thresholds for codecs; null: Redis's defaults

    public RdbReader(RdbSource src, ValueCodec codec, boolean verifyChecksum) {
        this(src, codec, verifyChecksum, BUF);
    }

    /** With an explicit buffer size (RESTORE reads one small payload per reader). */
    public RdbReader(RdbSource src, ValueCodec codec, boolean verifyChecksum, int bufferSize) {
        this.buf = new byte[Math.max(64, bufferSize)];
        this.src = src;
        this.codec = codec;
        this.verifyChecksum = verifyChecksum;
    }

    public RdbReader(RdbSource src) {
        this(src, ValueCodec.STRINGS, true);
    }

    /**
     * The configuration whose encoding thresholds (hash-max-listpack-entries ...) the codecs
     * apply to what they load, as Redis's rdbLoadObject reads server.*; null means Redis's defaults.
     */
    public io.vermilion.config.Config config() { return config; }

    public RdbReader config(io.vermilion.config.Config c) {
        config = c;
        return this;
    }

    /** A numeric setting of {@link #config()}, or {@code def} without one. */
    public long setting(String name, long def) {
        return config == null ? def : config.getLong(name);
    }

    /** Offset of the next byte to be read, from the start of the stream. */
    public long position() { return base + pos; }

    /** The RDB version from the header (after {@link #read}/{@link #readHeader}). */
    public int version() { return version; }

    /** What {@link #read} found. */
    public record Summary(int version, long entries, boolean checksumVerified) {}

    /**
     * Reads a whole RDB stream up to and including its checksum, calling the handler for each
     * element. Bytes after the checksum (an AOF tail, a replication stream) are left in the
     * source (see {@link #unreadBytes}).
     */
    public Summary read(RdbHandler h) throws IOException {
        readHeader();
        long entries = 0;
        int db = 0;
        long expire = -1, idle = -1;
        int freq = -1;
        while (true) {
            long at = position();
            int type = readByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME: {
                    int secs = readInt32LE();
                    expire = secs * 1000L;
                    continue;
                }
                case Rdb.OPCODE_EXPIRETIME_MS:
                    expire = readLongLE();
                    continue;
                case Rdb.OPCODE_FREQ:
                    freq = readByte();
                    continue;
                case Rdb.OPCODE_IDLE:
                    idle = readLen();
                    continue;
                case Rdb.OPCODE_SELECTDB: {
                    long id = readLen();
                    if (id > Integer.MAX_VALUE) throw new RdbException("database index " + Long.toUnsignedString(id) + " out of range", at);
                    db = (int) id;
                    h.selectDb(db);
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB: {
                    long size = readLen();
                    long expires = readLen();
                    h.resizeDb(size, expires);
                    continue;
                }
                case Rdb.OPCODE_AUX: {
                    byte[] k = readString();
                    byte[] v = readString();
                    h.aux(k, v);
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX:
                    throw new RdbException("unsupported module aux data in RDB", at);
                case Rdb.OPCODE_FUNCTION_PRE_GA:
                    throw new RdbException("unsupported function data of a 7.0 release candidate in RDB", at);
                case Rdb.OPCODE_FUNCTION2:
                    h.function(readString());
                    continue;
                case Rdb.OPCODE_EOF:
                    h.end();
                    break;
                default: {
                    if (!Rdb.isObjectType(type)) throw new RdbException("unknown type " + type, at);
                    if (!codec.reads(type)) throw new UnsupportedTypeException(type, at);
                    byte[] key = readString();
                    Object value;
                    try {
                        value = codec.read(this, type);
                    } catch (EmptyKeyException e) {
                        // An empty collection is skipped, as Redis's RDB_LOAD_ERR_EMPTY_KEY.
                        expire = -1;
                        idle = -1;
                        freq = -1;
                        continue;
                    }
                    h.entry(db, key, value, expire, idle, freq);
                    entries++;
                    expire = -1;
                    idle = -1;
                    freq = -1;
                    continue;
                }
            }
            break;
        }
        boolean verified = false;
        if (version >= 5) {
            long expected = crcSoFar();
            long at = position();
            long stored = readLongLE();
            if (verifyChecksum && stored != 0) {
                if (stored != expected) {
                    throw new RdbException(String.format("RDB CRC error: expected %x, found %x", expected, stored), at);
                }
                verified = true;
            }
        }
        return new Summary(version, entries, verified);
    }

    /** Reads and checks "REDIS" and the version. */
    public void readHeader() throws IOException {
        byte[] magic = new byte[Rdb.MAGIC_LEN];
        readFully(magic, 0, magic.length);
        if (!new String(magic, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS")) {
            throw new RdbException("Wrong signature trying to load DB from file", 0);
        }
        int v = 0;
        // atoi: leading digits only, as Redis reads the version.
        for (int i = 5; i < 9 && magic[i] >= '0' && magic[i] <= '9'; i++) v = v * 10 + (magic[i] - '0');
        if (v < 1 || v > Rdb.VERSION) throw new RdbException("Can't handle RDB format version " + v, 5);
        version = v;
    }

    /**
     * Bytes already taken from the source into this reader's buffer but not consumed (the start
     * of whatever follows the RDB data).
     */
    public byte[] unreadBytes() {
        return Arrays.copyOfRange(buf, pos, lim);
    }

    // ------------------------------------------------------------------ primitives

    private long crcSoFar() {
        crc = Crc64.update(crc, buf, crcMark, pos - crcMark);
        crcMark = pos;
        return crc;
    }

    /** Refills the buffer; false at end of data. */
    private boolean fill() throws IOException {
        crcSoFar();
        if (pos < lim) System.arraycopy(buf, pos, buf, 0, lim - pos);
        base += pos;
        lim -= pos;
        pos = 0;
        crcMark = 0;
        int r = src.read(buf, lim, buf.length - lim);
        if (r <= 0) return false;
        lim += r;
        return true;
    }

    private RdbException eof() {
        return new RdbException("Unexpected EOF reading RDB file", position());
    }

    public int readByte() throws IOException {
        if (pos == lim && !fill()) throw eof();
        return buf[pos++] & 0xff;
    }

    public void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == lim && !fill()) throw eof();
            int k = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, k);
            pos += k;
            off += k;
            len -= k;
        }
    }

    public long readLongLE() throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (long) readByte() << (8 * i);
        return v;
    }

    public int readInt32LE() throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) v |= readByte() << (8 * i);
        return v;
    }

    /**
     * A length (6/14/32/64-bit). Returns it as an unsigned 64-bit value in a long; for the
     * special string encodings (top bits 11) returns the encoding number and sets
     * {@link #lastWasEncoded()}.
     */
    public long readLenOrEncoding() throws IOException {
        long at = position();
        int b = readByte();
        int kind = (b & 0xc0) >>> 6;
        lastEncoded = false;
        if (kind == Rdb.ENCVAL) {
            lastEncoded = true;
            return b & 0x3f;
        } else if (kind == Rdb.LEN_6BIT) {
            return b & 0x3f;
        } else if (kind == Rdb.LEN_14BIT) {
            return ((long) (b & 0x3f) << 8) | readByte();
        } else if (b == Rdb.LEN_32BIT) {
            long v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | readByte();
            return v;
        } else if (b == Rdb.LEN_64BIT) {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | readByte();
            return v;
        }
        throw new RdbException("Unknown length encoding " + b + " in rdbLoadLen()", at);
    }

    public boolean lastWasEncoded() { return lastEncoded; }

    /** A plain length; a string encoding marker here is corruption. */
    public long readLen() throws IOException {
        long at = position();
        long v = readLenOrEncoding();
        if (lastEncoded) throw new RdbException("unexpected string encoding " + v + " where a length was expected", at);
        return v;
    }

    /** A length that must fit a Java array (element counts, string lengths). */
    public int readCount() throws IOException {
        long at = position();
        long v = readLen();
        if (v < 0 || v > MAX_ARRAY) throw new RdbException("length " + Long.toUnsignedString(v) + " too large", at);
        return (int) v;
    }

    /** A string in any of its encodings, as bytes (integers in decimal). */
    public byte[] readString() throws IOException {
        long at = position();
        long len = readLenOrEncoding();
        if (lastEncoded) {
            switch ((int) len) {
                case Rdb.ENC_INT8: return decimal((byte) readByte());
                case Rdb.ENC_INT16: return decimal((short) (readByte() | readByte() << 8));
                case Rdb.ENC_INT32: return decimal(readInt32LE());
                case Rdb.ENC_LZF: return readLzf();
                default: throw new RdbException("Unknown RDB string encoding type " + len, at);
            }
        }
        if (len < 0 || len > MAX_ARRAY) throw new RdbException("string length " + Long.toUnsignedString(len) + " too large", at);
        return readBytes((int) len);
    }

    private static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] readLzf() throws IOException {
        long at = position();
        long clen = readLen();
        long len = readLen();
        if (clen < 0 || clen > MAX_ARRAY || len < 0 || len > MAX_ARRAY) {
            throw new RdbException("Invalid LZF compressed string (lengths " + Long.toUnsignedString(clen) + "/"
                    + Long.toUnsignedString(len) + ")", at);
        }
        if (len > clen * LZF_MAX_RATIO) {
            throw new RdbException("Invalid LZF compressed string (" + clen + " bytes cannot expand to " + len + ")", at);
        }
        byte[] c = readBytes((int) clen);
        if (len == 0) return new byte[0];
        try {
            return Lzf.decompress(c, 0, c.length, (int) len);
        } catch (Lzf.CorruptException e) {
            throw new RdbException("Invalid LZF compressed string (" + e.getMessage() + ")", at, e);
        }
    }

    /**
     * Exactly n bytes. Fails before allocating when the source is known to hold fewer; otherwise
     * large reads grow their array as data actually arrives.
     */
    public byte[] readBytes(int n) throws IOException {
        long rem = src.remaining();
        if (rem >= 0 && n > (lim - pos) + rem) {
            throw new RdbException("Unexpected EOF reading RDB file (" + n + " bytes announced, "
                    + ((lim - pos) + rem) + " left)", position());
        }
        final int chunk = 1 << 20;
        if (n <= chunk || rem >= 0) {
            byte[] b = new byte[n];
            readFully(b, 0, n);
            return b;
        }
        byte[] b = new byte[chunk];
        int have = 0;
        while (have < n) {
            if (have == b.length) b = Arrays.copyOf(b, (int) Math.min(n, (long) b.length * 2));
            int k = b.length - have;
            readFully(b, have, k);
            have += k;
        }
        return b;
    }
}
