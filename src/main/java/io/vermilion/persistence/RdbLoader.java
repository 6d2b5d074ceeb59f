package io.vermilion.persistence;

import io.vermilion.keyspace.Db;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.persistence.rdb.RdbException;
import io.vermilion.persistence.rdb.RdbHandler;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSource;
import io.vermilion.persistence.rdb.ValueCodec;
import io.vermilion.util.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads an RDB stream into the keyspace (startup, an AOF's RDB base, later a replica's full sync),
 * logging what Redis logs. As Redis does on a master, keys whose expiry has passed are dropped,
 * except in an AOF base, whose following commands assume the exact keyspace it describes.
 */
public final class RdbLoader implements RdbHandler {
    private final Keyspace ks;
    private final Log log;
    private final boolean aofBase;
    private final long now = System.currentTimeMillis();
    long loaded;
    // Counted on the reading thread when entries come through a LoadBatch, on the loop otherwise.
    volatile long expired;

    public RdbLoader(Keyspace ks, Log log, boolean aofBase) {
        this.ks = ks;
        this.log = log;
        this.aofBase = aofBase;
    }

    private String replId;
    private long replOffset = -1;
    private int replStreamDb;

    public long loaded() { return loaded; }

    private boolean sawFunction;

    /** A FUNCTION2 record: the library is loaded (the first one replaces what was there). */
    @Override
    public void function(byte[] code) throws IOException {
        Keyspace.FunctionLibraries f = ks.functionLibraries();
        if (f == null) throw new io.vermilion.persistence.rdb.RdbException("unsupported function library in RDB", -1);
        f.loadFromRdb(code, !sawFunction);
        sawFunction = true;
    }

    /** The repl-id / repl-offset / repl-stream-db aux fields read, or null if absent. */
    public io.vermilion.persistence.rdb.RdbWriter.ReplInfo replInfo() {
        if (replId == null || replOffset < 0) return null;
        return new io.vermilion.persistence.rdb.RdbWriter.ReplInfo(replStreamDb, replId, replOffset);
    }
    public long expired() { return expired; }

    /** Reads a whole RDB file; the keyspace is expected empty. */
    public RdbReader.Summary loadFile(Path file, ValueCodec codec, boolean verifyChecksum) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            RdbReader r = new RdbReader(new RdbSource.Stream(new java.io.BufferedInputStream(in, 1 << 16), Files.size(file)),
                    codec, verifyChecksum);
            return r.read(this);
        }
    }

    @Override
    public void aux(byte[] key, byte[] value) {
        String k = new String(key, StandardCharsets.ISO_8859_1);
        String v = new String(value, StandardCharsets.ISO_8859_1);
        if (k.startsWith("%")) {
            log.notice("RDB '" + k + "': " + v);
        } else if (k.equalsIgnoreCase("redis-ver")) {
            log.notice("Loading RDB produced by version " + v);
        } else if (k.equalsIgnoreCase("ctime")) {
            long age = now / 1000 - parse(v);
            log.notice("RDB age " + Math.max(0, age) + " seconds");
        } else if (k.equalsIgnoreCase("used-mem")) {
            log.notice(String.format("RDB memory usage when created %.2f Mb", parse(v) / (1024.0 * 1024.0)));
        } else if (k.equalsIgnoreCase("aof-base")) {
            if (parse(v) != 0) log.notice("RDB is base AOF");
        } else if (k.equalsIgnoreCase("repl-id")) {
            replId = v;
        } else if (k.equalsIgnoreCase("repl-offset")) {
            replOffset = parse(v);
        } else if (k.equalsIgnoreCase("repl-stream-db")) {
            replStreamDb = (int) parse(v);
        } else if (k.equalsIgnoreCase("aof-preamble")) {
            if (parse(v) != 0) log.notice("RDB has an AOF tail");
        } else {
            log.debug("Unrecognized RDB AUX field: '" + k + "'");
        }
    }

    private static long parse(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void selectDb(int db) throws IOException {
        if (db >= ks.databases()) {
            throw new RdbException("Data file was created with a Redis server configured to handle more than "
                    + ks.databases() + " databases", -1);
        }
    }

    /** RESIZEDB: the tables of an empty database sized ahead for about {@code keys} keys. */
    void presize(int dbIndex, long keys) {
        if (dbIndex >= 0 && dbIndex < ks.databases()) ks.db(dbIndex).presize(keys);
    }

    /**
     * Whether an entry with this expiry is dropped rather than loaded (counting it as expired):
     * its time has passed and this is not an AOF base.
     */
    public boolean dropsExpired(long expireAtMs) {
        if (aofBase || expireAtMs == -1 || expireAtMs >= now) return false;
        expired++;
        return true;
    }

    /** Stores a batch of entries prepared by the reading thread (on the loop). */
    public void entries(io.vermilion.keyspace.LoadBatch batch) throws IOException {
        int dup = batch.applyTo(ks);
        loaded += dup < 0 ? batch.size() : dup;
        if (dup >= 0) throw duplicate(batch.key(dup), batch.db(dup));
    }

    private static RdbException duplicate(byte[] key, int dbIndex) {
        return new RdbException("RDB has duplicated key '" + new String(key, StandardCharsets.ISO_8859_1)
                + "' in DB " + dbIndex, -1);
    }

    @Override
    public void entry(int dbIndex, byte[] key, Object value, long expireAtMs, long idleSec, int freq) throws IOException {
        if (dropsExpired(expireAtMs)) return;
        Db db = ks.db(dbIndex);
        if (!db.put(key, value, false)) throw duplicate(key, dbIndex);
        if (expireAtMs != -1) db.setExpire(key, expireAtMs);
        if (idleSec >= 0) db.setIdle(key, idleSec);
        if (freq >= 0) db.setFrequency(key, freq);
        loaded++;
    }
}
