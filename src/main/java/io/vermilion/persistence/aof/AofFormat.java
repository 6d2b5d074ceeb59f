package io.vermilion.persistence.aof;

import io.vermilion.persistence.SnapshotSave;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.types.RedisValue;
import io.vermilion.types.Strings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A snapshot written as commands, the base-file format when aof-use-rdb-preamble is off: per
 * database a SELECT, then per key a command that recreates it (SET for strings) and a PEXPIREAT
 * for its expiry, as Redis's rewriteAppendOnlyFileRio.
 */
final class AofFormat implements SnapshotSave.Format {
    private static final byte[] SELECT = "*2\r\n$6\r\nSELECT\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "*3\r\n$3\r\nSET\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEXPIREAT = "*3\r\n$9\r\nPEXPIREAT\r\n".getBytes(StandardCharsets.US_ASCII);

    private final boolean timestamp;
    private final long keySaveDelayMicros;
    private RespOut out;
    private int db = -1;

    private final java.util.List<byte[]> functions;

    AofFormat(boolean timestamp, long keySaveDelayMicros, java.util.List<byte[]> functions) {
        this.timestamp = timestamp;
        this.keySaveDelayMicros = keySaveDelayMicros;
        this.functions = functions;
    }

    private static final byte[] FUNCTION = "FUNCTION".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOAD = "LOAD".getBytes(StandardCharsets.US_ASCII);

    @Override public void begin(RdbSink sink) throws IOException {
        out = new RespOut(sink);
        if (timestamp) out.raw(("#TS:" + System.currentTimeMillis() / 1000 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        // The function libraries first, as Redis's rewriteFunctions.
        for (byte[] code : functions) out.command(new byte[][] {FUNCTION, LOAD, code});
    }

    @Override public void entry(int d, byte[] key, Object value, long expireAtMs) throws IOException {
        if (d != db) {
            db = d;
            out.raw(SELECT);
            out.bulk(Long.toString(d).getBytes(StandardCharsets.US_ASCII));
        }
        if (value instanceof RedisValue rv) {
            IOException[] failed = new IOException[1];
            rv.rewrite(key, argv -> {
                if (failed[0] != null) return;
                try {
                    out.command(argv);
                } catch (IOException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) throw failed[0];
        } else if (Strings.isString(value)) {
            out.raw(SET);
            out.bulk(key);
            out.bulk(Strings.bytes(value));
        } else {
            throw new IOException("AOF rewrite without RDB preamble cannot encode a " + value.getClass().getSimpleName());
        }
        if (expireAtMs != -1) {
            out.raw(PEXPIREAT);
            out.bulk(key);
            out.bulk(Long.toString(expireAtMs).getBytes(StandardCharsets.US_ASCII));
        }
        if (keySaveDelayMicros > 0) java.util.concurrent.locks.LockSupport.parkNanos(keySaveDelayMicros * 1000);
    }

    @Override public void end() throws IOException {
        out.flush();
    }
}
