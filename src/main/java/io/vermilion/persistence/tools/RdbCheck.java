package io.vermilion.persistence.tools;

import io.vermilion.persistence.rdb.Encodings;
import io.vermilion.persistence.rdb.Crc64;
import io.vermilion.persistence.rdb.Lzf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an RDB stream and reports as redis-check-rdb 7.0 does: "[offset N] ..." lines for what
 * it reads (aux fields, database selection, checksum), then either "\o/ RDB looks OK! \o/" or
 * "--- RDB ERROR DETECTED ---" with the offset (bytes consumed successfully), what it was doing,
 * the key and type being read, then the key/expiry counters.
 *
 * <p>It parses every value type of Redis 7.0 — not only those Vermilion loads — with the checks
 * Redis's loader makes in this mode (full integrity validation of encoded blobs, duplicates,
 * NaN scores, stream consistency), and names a failure with Redis's own words, including the
 * "Internal error ... function at rdb.c:N" form for the corruptions Redis reports that way (the
 * numbers are those redis-check-rdb 7.0.15 prints). Values are walked, never built: memory stays
 * bounded whatever the file claims.
 */
final class RdbCheck {
    private static final String[] DOING = {"start", "read-type", "read-expire", "read-key", "read-object-value",
        "check-sum", "read-len", "read-aux", "read-module-aux", "read-functions"};
    private static final int START = 0, READ_TYPE = 1, READ_EXPIRE = 2, READ_KEY = 3, READ_VALUE = 4,
            CHECK_SUM = 5, READ_LEN = 6, READ_AUX = 7, READ_MODULE_AUX = 8, READ_FUNCTIONS = 9;
    /** redis-check-rdb's names of the value types (19 and above are "unknown"). */
    private static final String[] TYPE_NAMES = {"string", "list-linked", "set-hashtable", "zset-v1",
        "hash-hashtable", "zset-v2", "module-value", "", "", "hash-zipmap", "list-ziplist", "set-intset",
        "zset-ziplist", "hash-ziplist", "quicklist", "stream", "hash-listpack", "zset-listpack", "quicklist-v2"};
    /** Redis's default thresholds that decide which dictionary reports a duplicate. */
    private static final int SET_MAX_INTSET_ENTRIES = 512, HASH_MAX_LISTPACK_ENTRIES = 128,
            HASH_MAX_LISTPACK_VALUE = 64;
    static final int RDB_VERSION = 10;

    /** The stream ended before a read completed. */
    static final class Eof extends Exception {
        Eof() { super(null, null, false, false); }
    }

    /** A failure reported with this exact text; {@code internal} ones end the process at once. */
    static final class Failure extends Exception {
        final boolean internal;

        Failure(String message, boolean internal) {
            super(message, null, false, false);
            this.internal = internal;
        }
    }

    private final ToolFile in;
    private final PrintStream out;
    private long processed;
    private long crc;
    private int doing = START;
    private byte[] key;
    private int keyType;       // redis-check-rdb starts at 0 ("string") and resets to -1 after each key
    private long keys, expires, alreadyExpired;
    private final long now = System.currentTimeMillis();
    /** Set when the check failed with an "Internal error" (Redis exits on the spot). */
    boolean internalError;

    RdbCheck(ToolFile in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    /**
     * Prints "Checking RDB file", checks the RDB at the file's current position and prints the
     * outcome. Returns true when the file is valid (the file is then positioned after the checksum).
     */
    boolean run(String name) throws IOException {
        info("Checking RDB file " + name);
        try {
            check();
        } catch (Eof e) {
            error("Unexpected EOF reading RDB file");
            return false;
        } catch (Failure f) {
            error(f.getMessage());
            internalError = f.internal;
            return false;
        }
        info("\\o/ RDB looks OK! \\o/");
        counters();
        return true;
    }

    private void info(String msg) {
        out.print("[offset " + processed + "] ");
        printRaw(msg);
        out.print('\n');
    }

    private void error(String msg) {
        out.print("--- RDB ERROR DETECTED ---\n");
        out.print("[offset " + processed + "] ");
        printRaw(msg);
        out.print('\n');
        out.print("[additional info] While doing: " + DOING[doing] + "\n");
        if (key != null) {
            out.print("[additional info] Reading key '");
            printRaw(cString(key));
            out.print("'\n");
        }
        if (keyType != -1) {
            String t = keyType >= 0 && keyType < TYPE_NAMES.length ? TYPE_NAMES[keyType] : "unknown";
            out.print("[additional info] Reading type " + keyType + " (" + t + ")\n");
        }
        counters();
    }

    private void counters() {
        out.print("[info] " + keys + " keys read\n");
        out.print("[info] " + expires + " expires\n");
        out.print("[info] " + alreadyExpired + " already expired\n");
    }

    /** Bytes printed as C's %s would: up to the first NUL. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    private void printRaw(String s) {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length());
    }

    private static Failure corrupt(int line, String msg) {
        return new Failure("Internal error in RDB reading offset 0, function at rdb.c:" + line + " -> " + msg, true);
    }

    // ------------------------------------------------------------------ reads (all or nothing)

    private byte[] read(long n) throws IOException, Eof {
        if (n > in.remaining() || n > Integer.MAX_VALUE - 16) throw new Eof();
        byte[] b = new byte[(int) n];
        int k = in.read(b, 0, b.length);
        if (k != n) throw new Eof();
        crc = Crc64.update(crc, b, 0, b.length);
        processed += n;
        return b;
    }

    private void skip(long n) throws IOException, Eof {
        if (n < 0 || n > in.remaining()) throw new Eof();
        in.skip(n, (b, k) -> crc = Crc64.update(crc, b, 0, k));
        processed += n;
    }

    private int u8() throws IOException, Eof {
        return read(1)[0] & 0xff;
    }

    private long le(int n) throws IOException, Eof {
        byte[] b = read(n);
        long v = 0;
        for (int i = 0; i < n; i++) v |= (b[i] & 0xffL) << (8 * i);
        return v;
    }

    private boolean lastEncoded;

    /** A length; string encodings are returned as their number with {@link #lastEncoded} set. */
    private long len() throws IOException, Eof, Failure {
        int b = u8();
        int kind = (b & 0xc0) >> 6;
        lastEncoded = false;
        if (kind == 3) {
            lastEncoded = true;
            return b & 0x3f;
        }
        if (kind == 0) return b & 0x3f;
        if (kind == 1) return ((long) (b & 0x3f) << 8) | u8();
        if (b == 0x80) {
            byte[] x = read(4);
            return ((x[0] & 0xffL) << 24) | ((x[1] & 0xffL) << 16) | ((x[2] & 0xffL) << 8) | (x[3] & 0xffL);
        }
        if (b == 0x81) {
            byte[] x = read(8);
            long v = 0;
            for (byte y : x) v = (v << 8) | (y & 0xff);
            return v;
        }
        throw corrupt(236, "Unknown length encoding " + kind + " in rdbLoadLen()");
    }

    /** A string in any encoding (integers as decimal text). */
    private byte[] string() throws IOException, Eof, Failure {
        long len = len();
        if (lastEncoded) {
            switch ((int) len) {
                case 0: return dec((byte) u8());
                case 1: return dec((short) le(2));
                case 2: return dec((int) le(4));
                case 3: return lzf();
                default: throw corrupt(529, "Unknown RDB string encoding type " + len);
            }
        }
        return read(len);
    }

    private static byte[] dec(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] lzf() throws IOException, Eof, Failure {
        long clen = len();
        long len = len();
        byte[] c = read(clen);
        if (len == 0) return new byte[0];
        if (len > Integer.MAX_VALUE - 16 || len > c.length * 88L + 88) throw corrupt(413, "Invalid LZF compressed string");
        try {
            return Lzf.decompress(c, 0, c.length, (int) len);
        } catch (RuntimeException | Lzf.CorruptException e) {
            throw corrupt(413, "Invalid LZF compressed string");
        }
    }

    private static final Pattern C_DOUBLE = Pattern.compile(
            "^[ \\t\\n\\r\\f\\v]*([+-]?(?:inf(?:inity)?|nan(?:\\([0-9a-z_]*\\))?"
                    + "|0x(?:[0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(?:p[+-]?\\d+)?"
                    + "|(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?))", Pattern.CASE_INSENSITIVE);

    /** A score of the old zset encoding: length byte (253 NaN, 254 +inf, 255 -inf) and text read as %lg. */
    private double textDouble() throws IOException, Eof {
        int n = u8();
        if (n == 253) return Double.NaN;
        if (n == 254) return Double.POSITIVE_INFINITY;
        if (n == 255) return Double.NEGATIVE_INFINITY;
        byte[] b = read(n);
        Matcher m = C_DOUBLE.matcher(cString(b));
        if (!m.find()) throw new Eof(); // Redis reports a failed score parse as a read error
        String t = m.group(1).toLowerCase();
        if (t.contains("nan")) return Double.NaN;
        if (t.contains("inf")) return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        if (t.contains("0x")) {
            if (!t.contains("p")) t = t + "p0";
            return Double.parseDouble(t);
        }
        return Double.parseDouble(t);
    }

    // ------------------------------------------------------------------ the file

    private void check() throws IOException, Eof, Failure {
        byte[] magic = read(9);
        if (!new String(magic, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS")) {
            throw new Failure("Wrong signature trying to load DB from file", false);
        }
        int version = atoi(magic, 5);
        if (version < 1 || version > RDB_VERSION) throw new Failure("Can't handle RDB format version " + version, false);
        long expireAt = -1;
        while (true) {
            doing = READ_TYPE;
            int type = u8();
            switch (type) {
                case 253 -> { // EXPIRETIME (seconds)
                    doing = READ_EXPIRE;
                    expireAt = (int) le(4) * 1000L;
                    continue;
                }
                case 252 -> { // EXPIRETIME_MS
                    doing = READ_EXPIRE;
                    expireAt = le(8);
                    continue;
                }
                case 249 -> { // FREQ
                    u8();
                    continue;
                }
                case 248 -> { // IDLE
                    len();
                    continue;
                }
                case 254 -> { // SELECTDB
                    doing = READ_LEN;
                    long db = len();
                    info("Selecting DB ID " + Long.toUnsignedString(db));
                    continue;
                }
                case 251 -> { // RESIZEDB
                    doing = READ_LEN;
                    len();
                    len();
                    continue;
                }
                case 250 -> { // AUX
                    doing = READ_AUX;
                    byte[] k = string();
                    byte[] v = string();
                    info("AUX FIELD " + cString(k) + " = '" + cString(v) + "'");
                    continue;
                }
                case 247 -> { // MODULE_AUX
                    doing = READ_MODULE_AUX;
                    len();
                    long whenOpcode = len();
                    len();
                    if (whenOpcode != 2) throw new Eof();
                    moduleValue();
                    continue;
                }
                case 246 -> { // FUNCTION (7.0 release candidates): name, engine, [description], code
                    doing = READ_FUNCTIONS;
                    functionPart("Failed loading library name", false);
                    functionPart("Failed loading engine name", false);
                    if (functionPart("Failed loading library description indicator", true) != 0) {
                        functionPart("Failed loading library description", false);
                    }
                    functionPart("Failed loading library blob", false);
                    continue;
                }
                case 245 -> { // FUNCTION2: the library's code
                    doing = READ_FUNCTIONS;
                    try {
                        string();
                    } catch (Eof e) {
                        throw new Failure("Failed loading library, Failed loading library payload", false);
                    }
                    continue;
                }
                case 255 -> { }
                default -> {
                    if (!((type >= 0 && type <= 7) || (type >= 9 && type <= 19))) {
                        throw new Failure("Invalid object type: " + type, false);
                    }
                    keyType = type;
                }
            }
            if (type == 255) break;
            doing = READ_KEY;
            key = string();
            keys++;
            doing = READ_VALUE;
            value(keyType);
            if (expireAt != -1 && expireAt < now) alreadyExpired++;
            if (expireAt != -1) expires++;
            key = null;
            keyType = -1;
            expireAt = -1;
        }
        if (version >= 5) {
            long expected = crc;
            doing = CHECK_SUM;
            long stored = le(8);
            if (stored == 0) info("RDB file was saved with checksum disabled: no check performed.");
            else if (stored != expected) throw new Failure("RDB CRC error", false);
            else info("Checksum OK");
        }
    }

    /** One part of a function record; a short read fails the library with Redis's words. */
    private long functionPart(String failure, boolean isLength) throws IOException, Failure {
        try {
            if (isLength) return len();
            string();
            return 0;
        } catch (Eof e) {
            throw new Failure("Failed loading library, " + failure, false);
        }
    }

    private static int atoi(byte[] b, int from) {
        int v = 0;
        for (int i = from; i < b.length && b[i] >= '0' && b[i] <= '9'; i++) v = v * 10 + (b[i] - '0');
        return v;
    }

    // ------------------------------------------------------------------ values

    private void value(int type) throws IOException, Eof, Failure {
        switch (type) {
            case 0 -> string();
            case 1 -> {
                long n = len();
                if (n == 0) throw new Eof(); // an empty key: Redis's loader gives up here
                for (long i = 0; i < n; i++) string();
            }
            case 2 -> set();
            case 3, 5 -> zset(type == 5);
            case 4 -> hash();
            case 6 -> {
                long id = len();
                throw corrupt(2636, "The RDB file contains module data I can't load: no matching module type '"
                        + moduleName(id) + "'");
            }
            case 7 -> {
                len();
                moduleValue();
            }
            case 9 -> {
                List<byte[]> fv = Encodings.zipmap(string());
                if (fv == null) throw corrupt(2130, "Zipmap integrity check failed.");
                Set<ByteBuffer> fields = new HashSet<>();
                for (int i = 0; i < fv.size(); i += 2) {
                    if (!fields.add(ByteBuffer.wrap(fv.get(i)))) {
                        throw corrupt(2154, "Hash zipmap with dup elements, or big length (" + fv.get(i).length + ")");
                    }
                }
                if (fv.isEmpty()) throw new Eof();
            }
            case 10 -> {
                List<Encodings.Entry> e = Encodings.ziplist(string());
                if (e == null) throw corrupt(2189, "List ziplist integrity check failed.");
                if (e.isEmpty()) throw new Eof();
            }
            case 11 -> {
                if (!Encodings.intset(string())) throw corrupt(2214, "Intset integrity check failed.");
            }
            case 12, 13 -> {
                List<Encodings.Entry> e = Encodings.ziplist(string());
                if (e == null || !Encodings.pairsWithoutDuplicates(e)) {
                    throw type == 12 ? corrupt(2229, "Zset ziplist integrity check failed.")
                            : corrupt(2275, "Hash ziplist integrity check failed.");
                }
                if (e.isEmpty()) throw new Eof();
            }
            case 14 -> {
                long n = len();
                if (n == 0) throw new Eof();
                long nonEmpty = 0;
                for (long i = 0; i < n; i++) {
                    byte[] blob = string();
                    if (blob.length == 0) throw new Eof(); // Redis gives up on an empty quicklist node
                    List<Encodings.Entry> e = Encodings.ziplist(blob);
                    if (e == null) throw corrupt(2081, "Ziplist integrity check failed.");
                    if (!e.isEmpty()) nonEmpty++;
                }
                if (nonEmpty == 0) throw new Eof();
            }
            case 15, 19 -> stream(type == 19);
            case 16, 17 -> {
                List<Encodings.Entry> e = Encodings.listpack(string(), true);
                if (e == null || !Encodings.pairsWithoutDuplicates(e)) {
                    throw type == 16 ? corrupt(2301, "Hash listpack integrity check failed.")
                            : corrupt(2255, "Zset listpack integrity check failed.");
                }
                if (e.isEmpty()) throw new Eof();
            }
            case 18 -> {
                long n = len();
                if (n == 0) throw new Eof();
                long nonEmpty = 0;
                for (long i = 0; i < n; i++) {
                    long container = len();
                    if (container != 1 && container != 2) throw corrupt(2048, "Quicklist integrity check failed.");
                    byte[] blob = string();
                    if (blob.length == 0) throw new Eof(); // Redis gives up on an empty quicklist node
                    if (container == 1) {
                        nonEmpty++;
                        continue;
                    }
                    List<Encodings.Entry> e = Encodings.listpack(blob, true);
                    if (e == null) throw corrupt(2071, "Listpack integrity check failed.");
                    if (!e.isEmpty()) nonEmpty++;
                }
                if (nonEmpty == 0) throw new Eof();
            }
            default -> throw new Failure("Invalid object type: " + type, false);
        }
    }

    private void set() throws IOException, Eof, Failure {
        long n = len();
        if (n == 0) throw new Eof();
        // Redis fills an intset while members are integers (and there are few), else a hash table;
        // which one finds a duplicate decides the report.
        boolean intset = n <= SET_MAX_INTSET_ENTRIES;
        Set<ByteBuffer> seen = new HashSet<>();
        for (long i = 0; i < n; i++) {
            byte[] m = string();
            if (intset && Encodings.strictLong(m) == null) intset = false;
            if (!seen.add(ByteBuffer.wrap(m))) {
                throw intset ? corrupt(1809, "Duplicate set members detected")
                        : corrupt(1829, "Duplicate set members detected");
            }
        }
    }

    private void zset(boolean binaryScores) throws IOException, Eof, Failure {
        long n = len();
        if (n == 0) throw new Eof();
        Set<ByteBuffer> seen = new HashSet<>();
        for (long i = 0; i < n; i++) {
            byte[] m = string();
            double score = binaryScores ? Double.longBitsToDouble(le(8)) : textDouble();
            if (Double.isNaN(score)) throw corrupt(1882, "Zset with NAN score detected");
            if (!seen.add(ByteBuffer.wrap(m))) throw corrupt(1894, "Duplicate zset fields detected");
        }
    }

    private void hash() throws IOException, Eof, Failure {
        long n = len();
        if (n == 0) throw new Eof();
        boolean table = n > HASH_MAX_LISTPACK_ENTRIES;
        Set<ByteBuffer> seen = new HashSet<>();
        for (long i = 0; i < n; i++) {
            byte[] f = string();
            byte[] v = string();
            if (!seen.add(ByteBuffer.wrap(f))) {
                throw table ? corrupt(2019, "Duplicate hash fields detected") : corrupt(1951, "Hash with dup elements");
            }
            if (f.length > HASH_MAX_LISTPACK_VALUE || v.length > HASH_MAX_LISTPACK_VALUE) table = true;
        }
    }

    /** A module value in the self-describing form (opcodes until EOF), read without the module. */
    private void moduleValue() throws IOException, Eof, Failure {
        while (true) {
            long opcode = len();
            switch ((int) opcode) {
                case 0 -> { return; }
                case 1, 2 -> len();
                case 3 -> read(4);
                case 4 -> read(8);
                case 5 -> string();
                default -> throw new Eof();
            }
        }
    }

    private static final String MODULE_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** The 9-character module type name a 64-bit module id encodes (its low 10 bits are the version). */
    static String moduleName(long id) {
        char[] name = new char[9];
        long bits = id >>> 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_CHARSET.charAt((int) (bits & 63));
            bits >>>= 6;
        }
        return new String(name);
    }

    // ------------------------------------------------------------------ streams

    private long streamLen(int line, String msg) throws IOException, Failure {
        try {
            return len();
        } catch (Eof e) {
            throw corrupt(line, msg);
        }
    }

    /**
     * A count Redis checks against RDB_LENERR: a 64-bit length of 2^64-1 is the same value as its
     * read error, so it fails the same way (a corrupted PEL size of 0x81 ff..ff).
     */
    private long streamCount(int line, String msg) throws IOException, Failure {
        long n = streamLen(line, msg);
        if (n == -1L) throw corrupt(line, msg);
        return n;
    }

    private void stream(boolean v2) throws IOException, Eof, Failure {
        long nodes = streamCount(2327, "Stream listpacks len loading failed.");
        Set<ByteBuffer> nodeKeys = new HashSet<>();
        for (long i = 0; i < nodes; i++) {
            byte[] nodeKey;
            try {
                nodeKey = string();
            } catch (Eof e) {
                throw corrupt(2338, "Stream master ID loading failed: invalid encoding or I/O error.");
            }
            if (nodeKey.length != 16) throw corrupt(2343, "Stream node key entry is not the size of a stream ID");
            byte[] lp;
            try {
                lp = string();
            } catch (Eof e) {
                throw corrupt(2355, "Stream listpacks loading failed.");
            }
            if (!Encodings.streamListpack(lp)) throw corrupt(2362, "Stream listpack integrity check failed.");
            if (!nodeKeys.add(ByteBuffer.wrap(nodeKey))) throw corrupt(2386, "Listpack re-added with existing key");
        }
        // Length, last id, and (v2) first id, max deleted id, entries added: a short read shows at the end.
        boolean shortRead = false;
        long length = 0;
        for (int i = 0; i < (v2 ? 8 : 3); i++) {
            try {
                long v = len();
                if (i == 0) length = v;
            } catch (Eof e) {
                shortRead = true;
                break;
            }
        }
        if (shortRead) throw corrupt(2424, "Stream object metadata loading failed.");
        if (length != 0 && nodes == 0) throw corrupt(2430, "Stream length inconsistent with rax entries");
        long groups = streamCount(2438, "Stream cgroup count loading failed.");
        Set<ByteBuffer> groupNames = new HashSet<>();
        for (long g = 0; g < groups; g++) {
            byte[] name;
            try {
                name = string();
            } catch (Eof e) {
                throw corrupt(2449, "Error reading the consumer group name from Stream");
            }
            try {
                len();
                len();
            } catch (Eof e) {
                throw corrupt(2458, "Stream cgroup ID loading failed.");
            }
            if (v2) streamLen(2469, "Stream cgroup offset loading failed.");
            if (!groupNames.add(ByteBuffer.wrap(name))) {
                throw corrupt(2480, "Duplicated consumer group name " + cString(name));
            }
            long pelSize = streamCount(2495, "Stream PEL size loading failed.");
            // group PEL: id -> whether a consumer claimed it
            Map<ByteBuffer, Boolean> pel = new HashMap<>();
            for (long p = 0; p < pelSize; p++) {
                byte[] id;
                try {
                    id = read(16);
                } catch (Eof e) {
                    throw corrupt(2502, "Stream PEL ID loading failed.");
                }
                try {
                    read(8);
                    len();
                } catch (Eof e) {
                    throw corrupt(2510, "Stream PEL NACK loading failed.");
                }
                if (pel.putIfAbsent(ByteBuffer.wrap(id), false) != null) {
                    throw corrupt(2516, "Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = streamCount(2527, "Stream consumers num loading failed.");
            Set<ByteBuffer> consumerNames = new HashSet<>();
            for (long c = 0; c < consumers; c++) {
                byte[] cname;
                try {
                    cname = string();
                } catch (Eof e) {
                    throw corrupt(2534, "Error reading the consumer name from Stream group.");
                }
                if (!consumerNames.add(ByteBuffer.wrap(cname))) throw corrupt(2543, "Duplicate stream consumer detected.");
                try {
                    read(8);
                } catch (Eof e) {
                    throw corrupt(2549, "Stream short read reading seen time.");
                }
                long owned = streamCount(2558, "Stream consumer PEL num loading failed.");
                Set<ByteBuffer> own = new HashSet<>();
                for (long p = 0; p < owned; p++) {
                    byte[] id;
                    try {
                        id = read(16);
                    } catch (Eof e) {
                        throw corrupt(2566, "Stream short read reading PEL streamID.");
                    }
                    Boolean claimed = pel.get(ByteBuffer.wrap(id));
                    if (claimed == null) throw corrupt(2573, "Consumer entry not found in group global PEL");
                    // As Debian's 7.0.15-1~deb12u7 (the oracle; the 7.0.15 tag let a second
                    // consumer take the entry over): an entry that already has a consumer, its
                    // own or another's, is corrupt. The "Duplicated consumer PEL entry" check
                    // after it can then no longer be reached; kept as Redis keeps it.
                    if (claimed) throw corrupt(2583, "Stream consumer PEL entry already has a consumer assigned");
                    pel.put(ByteBuffer.wrap(id), true);
                    if (!own.add(ByteBuffer.wrap(id))) {
                        throw corrupt(2584, "Duplicated consumer PEL entry  loading a stream consumer group");
                    }
                }
            }
            if (pel.containsValue(false)) throw corrupt(2611, "Stream CG PEL entry without consumer");
        }
    }
}
