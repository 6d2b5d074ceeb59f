package io.vermilion.persistence.rdb;

import io.vermilion.util.Numbers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the RDB format (version 10, as Redis 7.0) to a {@link RdbSink}: header and aux fields,
 * database selectors, key/value pairs with their expiry, the EOF marker and the CRC-64 trailer.
 * Also the primitive encoders (lengths, strings with integer and LZF encodings) that value
 * codecs use.
 *
 * <p>Output is buffered here and checksummed as it leaves the buffer; the sink sees large writes.
 * Not thread-safe; one writer per stream.
 */
public final class RdbWriter {
    private static final int BUF = 64 * 1024;

    private final RdbSink sink;
    private final ValueCodec codec;
    private final boolean compress;
    private final boolean checksum;
    private final byte[] buf;
    private int n;
    private long crc;
    private long flushed;
    private final long[] parsed = new long[1];

    /**
     * @param compress LZF-compress strings longer than 20 bytes when that saves at least 4 bytes
     *                 (rdbcompression)
     * @param checksum write the CRC-64 trailer; when false it is zero (rdbchecksum no)
     */
    public RdbWriter(RdbSink sink, ValueCodec codec, boolean compress, boolean checksum) {
        this(sink, codec, compress, checksum, BUF);
    }

    /**
     * With an explicit buffer size: DUMP/MIGRATE write one small value per writer, and zeroing a
     * 64 KB buffer for each was most of MIGRATE's time.
     */
    public RdbWriter(RdbSink sink, ValueCodec codec, boolean compress, boolean checksum, int bufferSize) {
        this.buf = new byte[Math.max(64, bufferSize)];
        this.sink = sink;
        this.codec = codec;
        this.compress = compress;
        this.checksum = checksum;
    }

    public RdbWriter(RdbSink sink) {
        this(sink, ValueCodec.STRINGS, true, true);
    }

    /** Bytes written so far (buffered ones included). */
    public long position() { return flushed + n; }

    // ------------------------------------------------------------------ file structure

    /** "REDIS0010". */
    public void magic() throws IOException {
        writeRaw(String.format("REDIS%04d", Rdb.VERSION).getBytes(StandardCharsets.US_ASCII));
    }

    /** What Redis 7.0 puts in the aux fields of a file it writes. */
    public record AuxInfo(String redisVersion, long ctimeSec, long usedMem, boolean aofBase, ReplInfo repl) {}

    /** Replication fields written for a full sync or a replica's own save (repl-stream-db, repl-id, repl-offset). */
    public record ReplInfo(int streamDb, String replId, long offset) {}

    /** Magic and the standard aux fields, in Redis's order. */
    public void header(AuxInfo info) throws IOException {
        magic();
        aux("redis-ver", info.redisVersion());
        aux("redis-bits", "64");
        aux("ctime", Long.toString(info.ctimeSec()));
        aux("used-mem", Long.toString(info.usedMem()));
        if (info.repl() != null) {
            aux("repl-stream-db", Integer.toString(info.repl().streamDb()));
            aux("repl-id", info.repl().replId());
            aux("repl-offset", Long.toString(info.repl().offset()));
        }
        aux("aof-base", info.aofBase() ? "1" : "0");
    }

    public void aux(String key, String value) throws IOException {
        aux(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    public void aux(byte[] key, byte[] value) throws IOException {
        writeByte(Rdb.OPCODE_AUX);
        writeString(key, 0, key.length);
        writeString(value, 0, value.length);
    }

    /** A function library (FUNCTION2 opcode followed by its source code). */
    public void function(byte[] code) throws IOException {
        writeByte(Rdb.OPCODE_FUNCTION2);
        writeString(code, 0, code.length);
    }

    public void selectDb(int db) throws IOException {
        writeByte(Rdb.OPCODE_SELECTDB);
        writeLen(db);
    }

    public void resizeDb(long dbSize, long expiresSize) throws IOException {
        writeByte(Rdb.OPCODE_RESIZEDB);
        writeLen(dbSize);
        writeLen(expiresSize);
    }

    /**
     * One key with its value.
     *
     * @param expireAtMs absolute unix time in ms, or -1 for none
     * @param idleSec    seconds since last access to record (maxmemory LRU policies), or -1
     * @param freq       LFU counter 0..255 to record (LFU policies), or -1
     */
    public void entry(byte[] key, Object value, long expireAtMs, long idleSec, int freq) throws IOException {
        int type = codec.typeOf(value);
        if (type < 0) throw new IllegalArgumentException("no RDB codec for " + value.getClass().getName());
        if (expireAtMs != -1) {
            writeByte(Rdb.OPCODE_EXPIRETIME_MS);
            writeLongLE(expireAtMs);
        }
        if (idleSec >= 0) {
            writeByte(Rdb.OPCODE_IDLE);
            writeLen(idleSec);
        }
        if (freq >= 0) {
            writeByte(Rdb.OPCODE_FREQ);
            writeByte(freq & 0xff);
        }
        writeByte(type);
        writeString(key, 0, key.length);
        codec.write(this, value);
    }

    /** The type byte and serialized value alone (DUMP payloads). */
    public void object(Object value) throws IOException {
        int type = codec.typeOf(value);
        if (type < 0) throw new IllegalArgumentException("no RDB codec for " + value.getClass().getName());
        writeByte(type);
        codec.write(this, value);
    }

    /** EOF opcode and the checksum of everything before it (zero when checksums are off); flushes. */
    public void eof() throws IOException {
        writeByte(Rdb.OPCODE_EOF);
        long sum = checksum ? crc() : 0;
        writeLongLE(sum);
        flush();
    }

    /** CRC-64 of all bytes written so far. */
    public long crc() {
        return Crc64.update(crc, buf, 0, n);
    }

    public void flush() throws IOException {
        if (n > 0) {
            crc = Crc64.update(crc, buf, 0, n);
            sink.write(buf, 0, n);
            flushed += n;
            n = 0;
        }
        sink.flush();
    }

    private void drain() throws IOException {
        crc = Crc64.update(crc, buf, 0, n);
        sink.write(buf, 0, n);
        flushed += n;
        n = 0;
    }

    // ------------------------------------------------------------------ primitives

    public void writeByte(int b) throws IOException {
        if (n == buf.length) drain();
        buf[n++] = (byte) b;
    }

    public void writeRaw(byte[] b) throws IOException {
        writeRaw(b, 0, b.length);
    }

    public void writeRaw(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - n) {
            drain();
            if (len >= buf.length) {
                crc = Crc64.update(crc, b, off, len);
                sink.write(b, off, len);
                flushed += len;
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    public void writeLongLE(long v) throws IOException {
        for (int i = 0; i < 8; i++) writeByte((int) (v >>> (8 * i)));
    }

    /** A length in the 6/14/32/64-bit encoding, the shortest that fits. */
    public void writeLen(long len) throws IOException {
        if (len >= 0 && len < (1 << 6)) {
            writeByte((int) len);
        } else if (len >= 0 && len < (1 << 14)) {
            writeByte((int) ((len >>> 8) | (Rdb.LEN_14BIT << 6)));
            writeByte((int) len);
        } else if (len >= 0 && len <= 0xffffffffL) {
            writeByte(Rdb.LEN_32BIT);
            for (int i = 3; i >= 0; i--) writeByte((int) (len >>> (8 * i)));
        } else {
            writeByte(Rdb.LEN_64BIT);
            for (int i = 7; i >= 0; i--) writeByte((int) (len >>> (8 * i)));
        }
    }

    /**
     * A string, encoded as Redis's rdbSaveRawString: canonical integers of at most 11 characters
     * that fit 32 bits as INT8/16/32; else, with compression on and more than 20 bytes, LZF when
     * it saves at least 4 bytes; else length-prefixed raw bytes.
     */
    public void writeString(byte[] s, int off, int len) throws IOException {
        if (len <= 11 && len > 0 && Numbers.parseLong(s, off, len, parsed)) {
            if (writeIntEncoded(parsed[0])) return;
        }
        if (compress && len > 20) {
            byte[] z = Lzf.compress(s, off, len, len - 4);
            if (z != null) {
                writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_LZF);
                writeLen(z.length);
                writeLen(len);
                writeRaw(z);
                return;
            }
        }
        writeLen(len);
        writeRaw(s, off, len);
    }

    /** A string holding the decimal form of v (integer-encoded when it fits 32 bits). */
    public void writeLongAsString(long v) throws IOException {
        if (writeIntEncoded(v)) return;
        byte[] b = Numbers.toBytes(v);
        writeLen(b.length);
        writeRaw(b);
    }

    private boolean writeIntEncoded(long v) throws IOException {
        if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
            writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_INT8);
            writeByte((int) v);
        } else if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
            writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_INT16);
            writeByte((int) v);
            writeByte((int) (v >> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_INT32);
            for (int i = 0; i < 4; i++) writeByte((int) (v >> (8 * i)));
        } else {
            return false;
        }
        return true;
    }
}
