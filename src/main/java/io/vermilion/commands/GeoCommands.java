package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.GEO;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.ZRange;
import io.vermilion.types.ZSetValue;
import io.vermilion.types.geo.GeoFormat;
import io.vermilion.types.geo.GeoHash;
import io.vermilion.types.geo.GeoSearch;
import io.vermilion.types.geo.GeoShape;
import io.vermilion.util.Numbers;
import io.vermilion.util.Strtod;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The geo commands (Redis's geo.c). A geo set is a sorted set whose scores are 52-bit geohashes
 * ({@link GeoHash}); the math lives in {@code io.vermilion.types.geo}, this file parses the
 * arguments in Redis's order (so that a request with several problems reports the same error),
 * reads and writes {@link ZSetValue}s and formats the replies.
 *
 * <p>GEOADD is ZADD with computed scores and propagates as that ZADD, as Redis does
 * (replaceClientCommandVector). GEOSEARCHSTORE and GEORADIUS ... STORE propagate verbatim.
 */
public final class GeoCommands {
    private GeoCommands() {}

    private static final String RADIUS_COMPLEXITY = "O(N+log(M)) where N is the number of elements inside the "
            + "bounding box of the circular area delimited by center and radius and M is the number of items "
            + "inside the index.";
    private static final String SEARCH_COMPLEXITY = "O(N+log(M)) where N is the number of elements in the "
            + "grid-aligned bounding box area around the shape provided as the filter and M is the number of "
            + "items inside the shape";

    public static void register(CommandTable t) {
        t.add(cmd("geoadd", -5).flags(WRITE, DENYOOM).acl(GEO)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("geo", "3.2.0", "Add one or more geospatial items in the geospatial index represented using a sorted set",
                        "O(log(N)) for each item added, where N is the number of elements in the sorted set.")
                .handler(GeoCommands::geoadd));
        t.add(cmd("geopos", -2).flags(READONLY).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("geo", "3.2.0", "Returns longitude and latitude of members of a geospatial index",
                        "O(N) where N is the number of members requested.")
                .handler(GeoCommands::geopos));
        t.add(cmd("geodist", -4).flags(READONLY).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("geo", "3.2.0", "Returns the distance between two members of a geospatial index", "O(log(N))")
                .handler(GeoCommands::geodist));
        t.add(cmd("geohash", -2).flags(READONLY).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("geo", "3.2.0", "Returns members of a geospatial index as standard geohash strings",
                        "O(log(N)) for each member requested, where N is the number of elements in the sorted set.")
                .handler(GeoCommands::geohash));
        t.add(cmd("georadius", -6).flags(WRITE, DENYOOM).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .key(KeySpec.flags("OW UPDATE").keyword("STORE", 6).range(0, 1, 0))
                .key(KeySpec.flags("OW UPDATE").keyword("STOREDIST", 6).range(0, 1, 0))
                .doc("geo", "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a "
                        + "given maximum distance from a point", RADIUS_COMPLEXITY)
                .handler((c, argv) -> search(c, argv, 1, RADIUS_COORDS)));
        t.add(cmd("georadius_ro", -6).flags(READONLY).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("geo", "3.2.10", "A read-only variant for GEORADIUS", RADIUS_COMPLEXITY)
                .handler((c, argv) -> search(c, argv, 1, RADIUS_COORDS | NOSTORE)));
        t.add(cmd("georadiusbymember", -5).flags(WRITE, DENYOOM).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .key(KeySpec.flags("OW UPDATE").keyword("STORE", 5).range(0, 1, 0))
                .key(KeySpec.flags("OW UPDATE").keyword("STOREDIST", 5).range(0, 1, 0))
                .doc("geo", "3.2.0", "Query a sorted set representing a geospatial index to fetch members matching a "
                        + "given maximum distance from a member", RADIUS_COMPLEXITY)
                .handler((c, argv) -> search(c, argv, 1, RADIUS_MEMBER)));
        t.add(cmd("georadiusbymember_ro", -5).flags(READONLY).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("geo", "3.2.10", "A read-only variant for GEORADIUSBYMEMBER", RADIUS_COMPLEXITY)
                .handler((c, argv) -> search(c, argv, 1, RADIUS_MEMBER | NOSTORE)));
        t.add(cmd("geosearch", -7).flags(READONLY).acl(GEO)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("geo", "6.2.0", "Query a sorted set representing a geospatial index to fetch members inside an area "
                        + "of a box or a circle.", SEARCH_COMPLEXITY)
                .handler((c, argv) -> search(c, argv, 1, GEOSEARCH)));
        t.add(cmd("geosearchstore", -8).flags(WRITE, DENYOOM).acl(GEO)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).range(0, 1, 0))
                .doc("geo", "6.2.0", "Query a sorted set representing a geospatial index to fetch members inside an area "
                        + "of a box or a circle, and store the result in another key.", SEARCH_COMPLEXITY)
                .handler((c, argv) -> search(c, argv, 2, GEOSEARCH | GEOSEARCH_STORE)));
    }

    // ------------------------------------------------------------------ lookups and argument helpers

    private static final ZSetValue WRONG = ZSetValue.newSkiplist();

    /** lookupKeyRead + checkType: counts a hit or miss; null if absent, {@link #WRONG} after WRONGTYPE. */
    private static ZSetValue readZ(Client c, byte[] key) {
        Object v = c.db().get(key);
        StringCommands.countHit(c, v);
        if (v == null) return null;
        if (v instanceof ZSetValue z) return z;
        Args.error(c, Errors.WRONGTYPE);
        return WRONG;
    }

    static final String INVALID_PAIR = "ERR invalid longitude,latitude pair ";

    /**
     * extractLongLatOrReply: two floats (longitude then latitude) at argv[i], argv[i+1], inside
     * Redis's indexable area; null after replying the error.
     */
    private static double[] lonLatOrReply(Client c, byte[][] argv, int i) {
        double[] xy = new double[2];
        for (int k = 0; k < 2; k++) {
            double d = Strtod.string2d(argv[i + k]);
            if (Double.isNaN(d)) {
                Args.error(c, Errors.NOT_FLOAT);
                return null;
            }
            xy[k] = d;
        }
        if (xy[0] < GeoHash.LONG_MIN || xy[0] > GeoHash.LONG_MAX || xy[1] < GeoHash.LAT_MIN || xy[1] > GeoHash.LAT_MAX) {
            Args.error(c, INVALID_PAIR + GeoFormat.fixed6(xy[0]) + "," + GeoFormat.fixed6(xy[1]));
            return null;
        }
        return xy;
    }

    /** extractUnitOrReply: metres per unit, or a negative value after replying the error. */
    private static double unitOrReply(Client c, byte[] unit) {
        if (Args.is(unit, "m")) return 1;
        if (Args.is(unit, "km")) return 1000;
        if (Args.is(unit, "ft")) return 0.3048;
        if (Args.is(unit, "mi")) return 1609.34;
        Args.error(c, "ERR unsupported unit provided. please use M, KM, FT, MI");
        return -1;
    }

    /** getDoubleFromObjectOrReply with a custom message; NaN after replying it. */
    private static double doubleOrReply(Client c, byte[] arg, String msg) {
        double d = Strtod.string2d(arg);
        if (Double.isNaN(d)) Args.error(c, msg);
        return d;
    }

    /** The decoded position of a member, or null if it is not in the set. */
    private static double[] memberPosition(ZSetValue z, byte[] member) {
        double score = z.score(member);
        return Double.isNaN(score) ? null : GeoHash.decodeScore(score);
    }

    /** A coordinate reply (addReplyHumanLongDouble): a bulk string in RESP2, a double in RESP3. */
    private static void coordinate(Reply r, double d) {
        byte[] s = GeoFormat.coordinate(d);
        if (r.resp3()) {
            byte[] out = new byte[s.length + 3];
            out[0] = ',';
            System.arraycopy(s, 0, out, 1, s.length);
            out[out.length - 2] = '\r';
            out[out.length - 1] = '\n';
            r.raw(out);
        } else {
            r.bulk(s);
        }
    }

    // ------------------------------------------------------------------ GEOADD

    private static final byte[] ZADD = "zadd".getBytes(StandardCharsets.US_ASCII);

    /**
     * GEOADD key [NX|XX] [CH] lon lat member ...: checks the options and every pair first, then
     * runs ZADD key [options] score member ... with the computed scores, and propagates that ZADD.
     */
    static void geoadd(Client c, byte[][] argv) {
        boolean nx = false, xx = false;
        int first = 2;
        for (; first < argv.length; first++) {
            byte[] a = argv[first];
            if (Args.is(a, "nx")) nx = true;
            else if (Args.is(a, "xx")) xx = true;
            else if (!Args.is(a, "ch")) break;   // CH is ZADD's business
        }
        if ((argv.length - first) % 3 != 0 || (xx && nx)) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        int elements = (argv.length - first) / 3;
        byte[][] zadd = new byte[first + elements * 2][];
        zadd[0] = ZADD;
        System.arraycopy(argv, 1, zadd, 1, first - 1);
        for (int i = 0; i < elements; i++) {
            double[] xy = lonLatOrReply(c, argv, first + i * 3);
            if (xy == null) return;
            zadd[first + i * 2] = Numbers.toBytes(GeoHash.score(xy[0], xy[1]));
            zadd[first + i * 2 + 1] = argv[first + i * 3 + 2];
        }
        // Redis replaces the command vector and runs zaddCommand: same reply, and ZADD is propagated.
        ZSetCommands.zadd(c, zadd);
        c.propagateAs(zadd);
    }

    // ------------------------------------------------------------------ GEOPOS, GEOHASH, GEODIST

    static void geopos(Client c, byte[][] argv) {
        ZSetValue z = readZ(c, argv[1]);
        if (z == WRONG) return;
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            double[] xy = z == null ? null : memberPosition(z, argv[j]);
            if (xy == null) {
                r.nullArray();
            } else {
                r.array(2);
                coordinate(r, xy[0]);
                coordinate(r, xy[1]);
            }
        }
    }

    static void geohash(Client c, byte[][] argv) {
        ZSetValue z = readZ(c, argv[1]);
        if (z == WRONG) return;
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            double score = z == null ? Double.NaN : z.score(argv[j]);
            if (Double.isNaN(score)) r.nullBulk();
            else r.bulk(GeoHash.geohashString(score));
        }
    }

    static void geodist(Client c, byte[][] argv) {
        double toMeters = 1;
        if (argv.length == 5) {
            toMeters = unitOrReply(c, argv[4]);
            if (toMeters < 0) return;
        } else if (argv.length > 5) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        ZSetValue z = readZ(c, argv[1]);
        if (z == WRONG) return;
        if (z == null) {
            c.reply().nullBulk();
            return;
        }
        double[] a = memberPosition(z, argv[2]);
        double[] b = a == null ? null : memberPosition(z, argv[3]);
        if (b == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(GeoFormat.distance(GeoShape.distance(a[0], a[1], b[0], b[1]) / toMeters));
    }

    // ------------------------------------------------------------------ GEOSEARCH and GEORADIUS

    static final int RADIUS_COORDS = 1, RADIUS_MEMBER = 2, NOSTORE = 4, GEOSEARCH = 8, GEOSEARCH_STORE = 16;
    private static final int SORT_NONE = 0, SORT_ASC = 1, SORT_DESC = 2;

    /**
     * Redis's georadiusGeneric: GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH and
     * GEOSEARCHSTORE. The source key is looked up first; the centre and the radius of the GEORADIUS
     * forms are fixed arguments, the rest are options parsed in one pass whose errors come in the
     * order Redis reports them.
     */
    static void search(Client c, byte[][] argv, int srcIdx, int flags) {
        ZSetValue z = readZ(c, argv[srcIdx]);
        if (z == WRONG) return;
        byte[] storeKey = null;
        boolean storeDist = false;
        double lon = 0, lat = 0, radius = 0, width = 0, height = 0, conversion = 0;
        boolean circle = false;
        int base;
        if ((flags & RADIUS_COORDS) != 0) {
            base = 6;
            circle = true;
            double[] xy = lonLatOrReply(c, argv, 2);
            if (xy == null) return;
            lon = xy[0];
            lat = xy[1];
            radius = radiusOrReply(c, argv[4]);
            if (radius < 0) return;
            conversion = unitOrReply(c, argv[5]);
            if (conversion < 0) return;
        } else if ((flags & RADIUS_MEMBER) != 0) {
            base = 5;
            if (z != null) {
                circle = true;
                double[] xy = memberPosition(z, argv[2]);
                if (xy == null) {
                    Args.error(c, "ERR could not decode requested zset member");
                    return;
                }
                lon = xy[0];
                lat = xy[1];
                radius = radiusOrReply(c, argv[3]);
                if (radius < 0) return;
                conversion = unitOrReply(c, argv[4]);
                if (conversion < 0) return;
            }
        } else {
            base = 2;
            if ((flags & GEOSEARCH_STORE) != 0) {
                base = 3;
                storeKey = argv[1];
            }
        }

        boolean withDist = false, withHash = false, withCoord = false, any = false;
        boolean fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        boolean search = (flags & GEOSEARCH) != 0;
        boolean storable = (flags & NOSTORE) == 0 && !search;
        int sort = SORT_NONE;
        long count = 0;
        int remaining = argv.length - base;
        for (int i = 0; i < remaining; i++) {
            byte[] a = argv[base + i];
            boolean has1 = i + 1 < remaining, has2 = i + 2 < remaining, has3 = i + 3 < remaining;
            if (Args.is(a, "withdist")) {
                withDist = true;
            } else if (Args.is(a, "withhash")) {
                withHash = true;
            } else if (Args.is(a, "withcoord")) {
                withCoord = true;
            } else if (Args.is(a, "any")) {
                any = true;
            } else if (Args.is(a, "asc")) {
                sort = SORT_ASC;
            } else if (Args.is(a, "desc")) {
                sort = SORT_DESC;
            } else if (Args.is(a, "count") && has1) {
                Long n = Args.longOrReply(c, argv[base + i + 1]);
                if (n == null) return;
                if (n <= 0) {
                    Args.error(c, "ERR COUNT must be > 0");
                    return;
                }
                count = n;
                i++;
            } else if (Args.is(a, "store") && has1 && storable) {
                storeKey = argv[base + i + 1];
                storeDist = false;
                i++;
            } else if (Args.is(a, "storedist") && has1 && storable) {
                storeKey = argv[base + i + 1];
                storeDist = true;
                i++;
            } else if (Args.is(a, "storedist") && search && (flags & GEOSEARCH_STORE) != 0) {
                storeDist = true;
            } else if (Args.is(a, "frommember") && has1 && search && !fromLonLat) {
                if (z != null) {
                    double[] xy = memberPosition(z, argv[base + i + 1]);
                    if (xy == null) {
                        Args.error(c, "ERR could not decode requested zset member");
                        return;
                    }
                    lon = xy[0];
                    lat = xy[1];
                }
                fromMember = true;
                i++;
            } else if (Args.is(a, "fromlonlat") && has2 && search && !fromMember) {
                double[] xy = lonLatOrReply(c, argv, base + i + 1);
                if (xy == null) return;
                lon = xy[0];
                lat = xy[1];
                fromLonLat = true;
                i += 2;
            } else if (Args.is(a, "byradius") && has2 && search && !byBox) {
                radius = radiusOrReply(c, argv[base + i + 1]);
                if (radius < 0) return;
                conversion = unitOrReply(c, argv[base + i + 2]);
                if (conversion < 0) return;
                circle = true;
                byRadius = true;
                i += 2;
            } else if (Args.is(a, "bybox") && has3 && search && !byRadius) {
                width = doubleOrReply(c, argv[base + i + 1], "ERR need numeric width");
                if (Double.isNaN(width)) return;
                height = doubleOrReply(c, argv[base + i + 2], "ERR need numeric height");
                if (Double.isNaN(height)) return;
                if (height < 0 || width < 0) {
                    Args.error(c, "ERR height or width cannot be negative");
                    return;
                }
                conversion = unitOrReply(c, argv[base + i + 3]);
                if (conversion < 0) return;
                circle = false;
                byBox = true;
                i += 3;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }

        if (storeKey != null && (withDist || withHash || withCoord)) {
            Args.error(c, "ERR " + ((flags & GEOSEARCH_STORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (search && !(fromMember || fromLonLat)) {
            Args.error(c, "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + Args.latin1(argv[0]));
            return;
        }
        if (search && !(byRadius || byBox)) {
            Args.error(c, "ERR exactly one of BYRADIUS and BYBOX can be specified for " + Args.latin1(argv[0]));
            return;
        }
        if (any && count == 0) {
            Args.error(c, "ERR the ANY argument requires COUNT argument");
            return;
        }

        if (z == null) {
            if (storeKey != null) {
                if (c.db().delete(storeKey)) {
                    c.server().addDirty(1);
                    c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", storeKey, c.dbIndex());
                }
                c.reply().integer(0);
            } else {
                c.reply().array(0);
            }
            return;
        }
        // COUNT without an order means the nearest ones (not so for ANY).
        if (count != 0 && sort == SORT_NONE && !any) sort = SORT_ASC;

        GeoShape shape = circle ? GeoShape.circle(lon, lat, radius, conversion)
                : GeoShape.box(lon, lat, width, height, conversion);
        List<GeoSearch.Point> found = GeoSearch.search(new Cells(z), shape, any ? count : 0);
        if (found.isEmpty() && storeKey == null) {
            c.reply().array(0);
            return;
        }
        int returned = (int) (count == 0 || found.size() < count ? found.size() : count);
        if (sort != SORT_NONE) GeoSearch.sort(found, sort == SORT_DESC, returned);

        if (storeKey == null) {
            replyPoints(c.reply(), found, returned, shape.conversion, withDist, withHash, withCoord);
        } else {
            store(c, storeKey, found, returned, shape.conversion, storeDist,
                    (flags & GEOSEARCH) != 0 ? "geosearchstore" : "georadiusstore");
        }
    }

    /** extractDistanceOrReply's number: a non-negative radius, or -1 after replying the error. */
    private static double radiusOrReply(Client c, byte[] arg) {
        double d = doubleOrReply(c, arg, "ERR need numeric radius");
        if (Double.isNaN(d)) return -1;
        if (d < 0) {
            Args.error(c, "ERR radius cannot be negative");
            return -1;
        }
        return d;
    }

    private static void replyPoints(Reply r, List<GeoSearch.Point> found, int returned, double conversion,
                                    boolean withDist, boolean withHash, boolean withCoord) {
        int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        r.array(returned);
        for (int i = 0; i < returned; i++) {
            GeoSearch.Point p = found.get(i);
            if (options > 0) r.array(options + 1);
            r.bulk(p.member);
            if (withDist) r.bulk(GeoFormat.distance(p.dist / conversion));
            if (withHash) r.integer((long) p.score);
            if (withCoord) {
                r.array(2);
                coordinate(r, p.longitude);
                coordinate(r, p.latitude);
            }
        }
    }

    /**
     * The STORE / STOREDIST / GEOSEARCHSTORE result: a new zset (listpack if small enough) with
     * the geohash or the distance as score replaces the destination; no results delete it.
     */
    private static void store(Client c, byte[] key, List<GeoSearch.Point> found, int returned, double conversion,
                              boolean storeDist, String event) {
        Db db = c.db();
        if (returned > 0) {
            ZSetValue dst = ZSetValue.newSkiplist();
            long maxLen = 0, totalLen = 0;
            for (int i = 0; i < returned; i++) {
                GeoSearch.Point p = found.get(i);
                double score = storeDist ? p.dist / conversion : p.score;
                maxLen = Math.max(maxLen, p.member.length);
                totalLen += p.member.length;
                dst.add(score, p.member, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
            }
            dst.convertToListpackIfNeeded(c.server().config().getLong("zset-max-listpack-entries"),
                    c.server().config().getLong("zset-max-listpack-value"), maxLen, totalLen);
            db.put(key, dst, false);
            c.server().addDirty(returned);
            c.server().notify(io.vermilion.pubsub.Events.ZSET, event, key, c.dbIndex());
        } else if (db.delete(key)) {
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        }
        c.reply().integer(returned);
    }

    /** The score ranges of a zset as a geo search reads them: min <= score < max, in zset order. */
    private static final class Cells implements GeoSearch.ScoreRange {
        private final ZSetValue z;

        Cells(ZSetValue z) {
            this.z = z;
        }

        /** Elements per rangeByScore call: a search that has enough (COUNT ... ANY) stops within one chunk. */
        private static final int CHUNK = 128;

        private boolean stopped;
        private double lastScore;
        private long sameAsLast;   // visited elements of the current chunk whose score is lastScore

        @Override
        public void forEachInRange(double min, double max, GeoSearch.Visitor visitor) {
            // ZSetValue's visitor cannot stop a walk, so walk in chunks; the next chunk starts at the
            // last score seen, skipping the elements of that score already visited.
            double lo = min;
            long skip = 0;
            stopped = false;
            while (true) {
                sameAsLast = 0;
                lastScore = Double.NaN;
                long n = z.rangeByScore(new ZRange.Score(lo, max, false, true), false, skip, CHUNK, (b, off, len, score) -> {
                    if (score == lastScore) {
                        sameAsLast++;
                    } else {
                        lastScore = score;
                        sameAsLast = 1;
                    }
                    if (!stopped && !visitor.visit(b, off, len, score)) stopped = true;
                });
                if (stopped || n < CHUNK) return;
                skip = lastScore == lo ? skip + sameAsLast : sameAsLast;
                lo = lastScore;
            }
        }
    }
}
