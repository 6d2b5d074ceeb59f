package io.vermilion.types.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The geo math against replies recorded from redis-server 7.0.15 (geo-redis.tsv, see geo-gen.py). */
class GeoHashTest {
    private static final List<String[]> RECORDS = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = GeoHashTest.class.getResourceAsStream("geo-redis.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("#")) RECORDS.add(line.split("\t", -1));
            }
        }
    }

    private static List<String[]> records(String kind) {
        return RECORDS.stream().filter(f -> f[0].equals(kind)).toList();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** The score GEOADD stores: the 52-bit integer, as ZADD parses its decimal form into a double. */
    private static double storedScore(double lon, double lat) {
        long bits = GeoHash.score(lon, lat);
        return bits < 0 ? Double.NaN : (double) bits;
    }

    /** ZSCORE's %.17g of an integral score below 2^64. */
    private static String scoreString(double s) {
        return new java.math.BigDecimal(s).toPlainString();
    }

    private static double unit(String u) {
        return switch (u) {
            case "m" -> 1;
            case "km" -> 1000;
            case "ft" -> 0.3048;
            case "mi" -> 1609.34;
            default -> throw new IllegalArgumentException(u);
        };
    }

    @Test
    void encodesDecodesAndHashesLikeRedis() {
        List<String> bad = new ArrayList<>();
        List<String[]> ps = records("P");
        assertThat(ps).hasSizeGreaterThan(2000);
        for (String[] f : ps) {
            double lon = Double.parseDouble(f[1]), lat = Double.parseDouble(f[2]);
            double score = storedScore(lon, lat);
            double[] xy = GeoHash.decodeScore(score);
            String got = scoreString(score) + " " + str(GeoFormat.coordinate(xy[0])) + " "
                    + str(GeoFormat.coordinate(xy[1])) + " " + str(GeoHash.geohashString(score));
            String want = f[3] + " " + f[4] + " " + f[5] + " " + f[6];
            if (!got.equals(want)) bad.add(lon + "," + lat + ": redis " + want + ", ours " + got);
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void rejectsWhatRedisRejects() {
        List<String[]> es = records("E");
        assertThat(es).isNotEmpty();
        for (String[] f : es) {
            double lon = Double.parseDouble(f[1]), lat = Double.parseDouble(f[2]);
            assertThat(GeoHash.score(lon, lat)).as(f[1] + "," + f[2]).isEqualTo(-1);
            assertThat("ERR invalid longitude,latitude pair " + GeoFormat.fixed6(lon) + "," + GeoFormat.fixed6(lat))
                    .isEqualTo(f[3]);
        }
    }

    @Test
    void decodesArbitraryScoresLikeRedis() {
        List<String[]> ss = records("S");
        assertThat(ss).hasSize(20);
        for (String[] f : ss) {
            double score = Double.parseDouble(f[1].replace("inf", "Infinity"));
            double[] xy = GeoHash.decodeScore(score);
            assertThat(str(GeoFormat.coordinate(xy[0])) + " " + str(GeoFormat.coordinate(xy[1])) + " "
                    + str(GeoHash.geohashString(score))).as(f[1]).isEqualTo(f[2] + " " + f[3] + " " + f[4]);
        }
    }

    @Test
    void distancesLikeGeodist() {
        List<String> bad = new ArrayList<>();
        for (String[] f : records("D")) {
            double[] a = GeoHash.decodeScore(Double.parseDouble(f[1]));
            double[] b = GeoHash.decodeScore(Double.parseDouble(f[2]));
            String got = str(GeoFormat.distance(GeoShape.distance(a[0], a[1], b[0], b[1]) / unit(f[3])));
            if (!got.equals(f[4])) bad.add(Arrays.toString(f) + " ours " + got);
        }
        assertThat(bad).isEmpty();
    }

    /**
     * Full-precision distances (STOREDIST scores). Redis's come from glibc's sin/cos/asin, which no
     * Java library reproduces bit for bit; ours must be equal for all but a few in a thousand, and
     * never more than a few units in the last place apart (one unit of asin's argument is
     * several of its result for far points).
     */
    @Test
    void fullPrecisionDistancesLikeStoredist() {
        Map<String, double[]> pos = new LinkedHashMap<>();
        for (String[] f : records("M")) {
            pos.put(f[1], GeoHash.decodeScore(storedScore(Double.parseDouble(f[2]), Double.parseDouble(f[3]))));
        }
        List<String[]> ts = records("T");
        assertThat(ts).hasSizeGreaterThan(5000);
        int differ = 0;
        List<String> far = new ArrayList<>();
        for (String[] f : ts) {
            double[] p = pos.get(f[3]);
            double ours = GeoShape.distance(Double.parseDouble(f[1]), Double.parseDouble(f[2]), p[0], p[1]) / 1000;   // km
            double redis = Double.parseDouble(f[4]);
            if (ours != redis) {
                differ++;
                if (Math.abs(ours - redis) > 8 * Math.ulp(redis)) far.add(Arrays.toString(f) + " ours " + ours);
            }
        }
        assertThat(far).isEmpty();
        assertThat(differ).as("distances differing in the last bits").isLessThan(ts.size() / 200);
    }

    @Test
    void asinIsRoundedToNearest() {
        // Values where fdlibm's asin is one unit off the nearest double (checked with 200-bit mpmath).
        assertThat(Asin.asin(0.5)).isEqualTo(0.5235987755982989);
        assertThat(Asin.asin(1.0)).isEqualTo(Math.PI / 2);
        assertThat(Asin.asin(0.0)).isEqualTo(0.0);
        assertThat(Asin.asin(-0.5)).isEqualTo(-0.5235987755982989);
        java.util.Random rnd = new java.util.Random(11);
        int differ = 0;
        for (int i = 0; i < 10000; i++) {
            double x = rnd.nextDouble();
            double y = Asin.asin(x);
            // The true value is within half a unit of y: sin is monotonic, so compare sin at the neighbours.
            assertThat(Math.abs(y - StrictMath.asin(x))).isLessThanOrEqualTo(Math.ulp(y));
            if (y != StrictMath.asin(x)) differ++;
        }
        assertThat(differ).isPositive();   // it does correct fdlibm
    }

    /** An in-memory sorted set ordered as Redis's: by score, then by member bytes. */
    private record Entry(byte[] member, double score) {}

    private static final Comparator<Entry> ZSET_ORDER = (x, y) -> {
        int c = Double.compare(x.score, y.score);
        return c != 0 ? c : Arrays.compareUnsigned(x.member, y.member);
    };

    @Test
    void searchesLikeGeosearch() {
        List<Entry> zset = new ArrayList<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String[] f : records("M")) {
            double s = storedScore(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
            zset.add(new Entry(f[1].getBytes(StandardCharsets.US_ASCII), s));
            scores.put(f[1], s);
        }
        zset.sort(ZSET_ORDER);
        GeoSearch.ScoreRange range = (min, max, v) -> {
            for (Entry e : zset) {
                if (e.score >= min && e.score < max && !v.visit(e.member, 0, e.member.length, e.score)) return;
            }
        };
        List<String[]> qs = records("Q");
        assertThat(qs).hasSize(600);
        List<String> bad = new ArrayList<>();
        for (String[] f : qs) {
            String got = search(range, scores, f[1]);
            if (!got.equals(f[2])) bad.add(f[1] + "\n  redis " + f[2] + "\n  ours  " + got);
        }
        assertThat(bad).isEmpty();
    }

    /** GEOSEARCH s args WITHDIST as "member:dist ..." (the reply logic of the command, on our classes). */
    private static String search(GeoSearch.ScoreRange range, Map<String, Double> scores, String args) {
        String[] a = args.split(" ");
        double lon, lat;
        int i;
        if (a[0].equals("FROMLONLAT")) {
            lon = Double.parseDouble(a[1]);
            lat = Double.parseDouble(a[2]);
            i = 3;
        } else {
            double[] xy = GeoHash.decodeScore(scores.get(a[1]));
            lon = xy[0];
            lat = xy[1];
            i = 2;
        }
        GeoShape shape;
        if (a[i].equals("BYRADIUS")) {
            shape = GeoShape.circle(lon, lat, Double.parseDouble(a[i + 1]), unit(a[i + 2]));
            i += 3;
        } else {
            shape = GeoShape.box(lon, lat, Double.parseDouble(a[i + 1]), Double.parseDouble(a[i + 2]), unit(a[i + 3]));
            i += 4;
        }
        int sort = 0;
        long count = 0;
        boolean any = false;
        for (; i < a.length; i++) {
            switch (a[i]) {
                case "ASC" -> sort = 1;
                case "DESC" -> sort = 2;
                case "COUNT" -> count = Long.parseLong(a[++i]);
                case "ANY" -> any = true;
                default -> throw new IllegalArgumentException(a[i]);
            }
        }
        if (count != 0 && sort == 0 && !any) sort = 1;
        List<GeoSearch.Point> ps = GeoSearch.search(range, shape, any ? count : 0);
        int returned = (int) (count == 0 || ps.size() < count ? ps.size() : count);
        if (sort != 0) GeoSearch.sort(ps, sort == 2, returned);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < returned; k++) {
            GeoSearch.Point p = ps.get(k);
            if (k > 0) sb.append(' ');
            sb.append(str(p.member)).append(':').append(str(GeoFormat.distance(p.dist / shape.conversion)));
        }
        return sb.toString();
    }

    @Test
    void stepEstimation() {
        assertThat(GeoShape.estimateSteps(0, 0)).isEqualTo(26);
        assertThat(GeoShape.estimateSteps(1, 0)).isEqualTo(24);
        assertThat(GeoShape.estimateSteps(1000, 0)).isEqualTo(14);
        assertThat(GeoShape.estimateSteps(1000, 70)).isEqualTo(13);
        assertThat(GeoShape.estimateSteps(1000, -81)).isEqualTo(12);
        assertThat(GeoShape.estimateSteps(5_000_000, 0)).isEqualTo(2);
        assertThat(GeoShape.estimateSteps(50_000_000, 85)).isEqualTo(1);
    }

    @Test
    void neighboursWrapAround() {
        // Step 1: 4 cells; moving east from the east half wraps to the west half.
        long cell = GeoHash.encodeWgs84(90, 45, 1);   // lon bit 1, lat bit 1: 0b11
        assertThat(cell).isEqualTo(3);
        assertThat(GeoHash.neighbour(cell, 1, 1, 0)).isEqualTo(1);
        assertThat(GeoHash.neighbour(cell, 1, 0, 1)).isEqualTo(2);
        assertThat(GeoHash.neighbour(cell, 1, -1, -1)).isEqualTo(0);
        long c26 = GeoHash.encodeWgs84(0, 0, 26);
        assertThat(GeoHash.neighbour(GeoHash.neighbour(c26, 26, 1, 1), 26, -1, -1)).isEqualTo(c26);
    }

    @Test
    void formats() {
        assertThat(str(GeoFormat.distance(0))).isEqualTo("0.0000");
        assertThat(str(GeoFormat.distance(0.00004))).isEqualTo("0.0000");
        assertThat(str(GeoFormat.distance(0.77497))).isEqualTo("0.7750");
        assertThat(str(GeoFormat.distance(0.00125))).isEqualTo("0.0012");   // 0.00125 * 10000 == 12.5: llrint ties to even
        assertThat(str(GeoFormat.distance(0.00375))).isEqualTo("0.0038");
        assertThat(str(GeoFormat.distance(166274.15156))).isEqualTo("166274.1516");
        assertThat(str(GeoFormat.coordinate(180))).isEqualTo("180");
        assertThat(str(GeoFormat.coordinate(-0.0))).isEqualTo("0");
        assertThat(str(GeoFormat.coordinate(0.5))).isEqualTo("0.5");
        assertThat(GeoFormat.fixed6(-0.0)).isEqualTo("-0.000000");
        assertThat(GeoFormat.fixed6(1e-9)).isEqualTo("0.000000");
        assertThat(GeoFormat.fixed6(-1e-9)).isEqualTo("-0.000000");
        assertThat(GeoFormat.fixed6(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }

    @Test
    void partialSortPutsTheSmallestFirst() {
        java.util.Random rnd = new java.util.Random(7);
        for (int round = 0; round < 200; round++) {
            Integer[] a = new Integer[1 + rnd.nextInt(120)];
            for (int i = 0; i < a.length; i++) a[i] = rnd.nextInt(30);
            Integer[] sorted = a.clone();
            Arrays.sort(sorted);
            int k = rnd.nextInt(a.length);
            PartialQuicksort.sort(a, Comparator.naturalOrder(), 0, k);
            assertThat(Arrays.copyOf(a, k + 1)).isEqualTo(Arrays.copyOf(sorted, k + 1));
        }
    }
}
