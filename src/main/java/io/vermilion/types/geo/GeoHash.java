package io.vermilion.types.geo;

/**
 * The geohash arithmetic Redis's geo commands are built on: a (longitude, latitude) pair is
 * quantised to {@code step} bits per axis and the two bit strings are interleaved (latitude bits
 * in the even positions, longitude bits in the odd ones), so that a zset score of 2 × 26 = 52 bits
 * holds a point to about 0.6 m and a score range is a rectangular cell.
 *
 * <p>Geo members are indexed over Redis's Web-Mercator latitude range ±85.05112878 (the score);
 * GEOHASH re-encodes the decoded point over the standard ±90 range. All the floating point
 * operations are done in the same order and in the same precision as Redis (double), so that
 * scores, decoded coordinates and cell bounds are bit-identical.
 *
 * <p>A cell ("GeoHashBits" in Redis) is a {@code long} of {@code 2 × step} meaningful bits plus
 * its step; this class is stateless.
 */
public final class GeoHash {
    private GeoHash() {}

    /** Bits per axis of a stored score: 26 × 2 = 52 bits, exactly representable in a double. */
    public static final int STEP_MAX = 26;

    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;

    /** Latitude range of the standard geohash alphabet strings (GEOHASH). */
    public static final double STD_LAT_MIN = -90;
    public static final double STD_LAT_MAX = 90;

    private static final long EVEN = 0x5555555555555555L;
    private static final long ODD = 0xaaaaaaaaaaaaaaaaL;

    /** Spreads the 32 bits of v to the even bit positions of a long. */
    static long spread(long v) {
        v &= 0xFFFFFFFFL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & EVEN;
        return v;
    }

    /** Gathers the even bit positions of v into 32 bits (the inverse of {@link #spread}). */
    static long squash(long v) {
        v &= EVEN;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }

    /** Interleaves: bits of lat at even positions, bits of lon at odd positions. */
    static long interleave(long lat, long lon) {
        return spread(lat) | (spread(lon) << 1);
    }

    /**
     * Truncates a non-negative double below 2^33 to its integer part and keeps the low 32 bits, as
     * C's conversion to uint32_t does on x86-64 for the values that occur here.
     */
    private static long toUint32(double d) {
        return ((long) d) & 0xFFFFFFFFL;
    }

    /**
     * The cell of the point at {@code step} bits per axis over the given ranges, or -1 if the point
     * is outside Redis's indexable area or the ranges (geohashEncode's failure cases).
     */
    public static long encode(double lonMin, double lonMax, double latMin, double latMax,
                              double longitude, double latitude, int step) {
        if (step > 32 || step == 0) return -1;
        if (longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN) return -1;
        if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) return -1;
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double lonOffset = (longitude - lonMin) / (lonMax - lonMin);
        double scale = (double) (1L << step);
        latOffset *= scale;
        lonOffset *= scale;
        return interleave(toUint32(latOffset), toUint32(lonOffset));
    }

    /** The cell over Redis's geo ranges (±180, ±85.05112878); -1 outside them. */
    public static long encodeWgs84(double longitude, double latitude, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, step);
    }

    /** The 52-bit score of a point (GEOADD); -1 if the point is out of range. */
    public static long score(double longitude, double latitude) {
        long bits = encodeWgs84(longitude, latitude, STEP_MAX);
        return bits < 0 ? -1 : align52(bits, STEP_MAX);
    }

    /** A cell's bits left-aligned to 52 bits: the lowest score inside the cell. */
    public static long align52(long bits, int step) {
        return bits << (52 - step * 2);
    }

    /**
     * The bounds of a cell over Redis's geo ranges: {lonMin, lonMax, latMin, latMax}.
     */
    public static double[] cellBounds(long bits, int step) {
        return cellBounds(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, bits, step);
    }

    static double[] cellBounds(double lonMin, double lonMax, double latMin, double latMax, long bits, int step) {
        double latScale = latMax - latMin;
        double lonScale = lonMax - lonMin;
        long ilat = squash(bits);
        long ilon = squash(bits >>> 1);
        double div = (double) (1L << step);
        return new double[] {
            lonMin + (ilon * 1.0 / div) * lonScale,
            lonMin + ((ilon + 1) * 1.0 / div) * lonScale,
            latMin + (ilat * 1.0 / div) * latScale,
            latMin + ((ilat + 1) * 1.0 / div) * latScale,
        };
    }

    /**
     * The point a stored score stands for (the centre of its step-26 cell, clamped to the geo
     * ranges), as {lon, lat}. Redis converts the score to uint64 first, so any double decodes
     * (scores put there by ZADD included).
     */
    public static double[] decodeScore(double score) {
        return decodeCell(scoreBits(score), STEP_MAX);
    }

    /** The centre of a cell clamped to the geo ranges, {lon, lat}. */
    public static double[] decodeCell(long bits, int step) {
        double[] b = cellBounds(bits, step);
        double lon = (b[0] + b[1]) / 2;
        if (lon > LONG_MAX) lon = LONG_MAX;
        if (lon < LONG_MIN) lon = LONG_MIN;
        double lat = (b[2] + b[3]) / 2;
        if (lat > LAT_MAX) lat = LAT_MAX;
        if (lat < LAT_MIN) lat = LAT_MIN;
        return new double[] {lon, lat};
    }

    private static final double TWO63 = 9.223372036854775808E18;

    /**
     * C's {@code (uint64_t)} of a double as gcc compiles it on x86-64: values below 2^63 go through
     * a signed truncation (negative values wrap to their two's complement; values beyond the
     * signed range give the "integer indefinite" 2^63), larger ones are reduced by 2^63 first.
     */
    public static long scoreBits(double d) {
        if (d < TWO63) return cvtt(d);
        return cvtt(d - TWO63) ^ Long.MIN_VALUE;
    }

    /** x86's cvttsd2si: truncation, with 0x8000000000000000 for NaN and out-of-range values. */
    static long cvtt(double d) {
        if (Double.isNaN(d) || d >= TWO63 || d < -TWO63) return Long.MIN_VALUE;
        return (long) d;
    }

    // ------------------------------------------------------------------ neighbours

    /** Moves a cell by d (+1 / -1) along the longitude axis (the odd bits), wrapping around. */
    static long moveX(long bits, int step, int d) {
        if (d == 0) return bits;
        long x = bits & ODD;
        long y = bits & EVEN;
        long zz = EVEN >>> (64 - step * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= ODD >>> (64 - step * 2);
        return x | y;
    }

    /** Moves a cell by d (+1 / -1) along the latitude axis (the even bits), wrapping around. */
    static long moveY(long bits, int step, int d) {
        if (d == 0) return bits;
        long x = bits & ODD;
        long y = bits & EVEN;
        long zz = ODD >>> (64 - step * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= EVEN >>> (64 - step * 2);
        return x | y;
    }

    /** The neighbouring cell dx cells east (+1) / west (-1) and dy cells north (+1) / south (-1). */
    public static long neighbour(long bits, int step, int dx, int dy) {
        return moveY(moveX(bits, step, dx), step, dy);
    }

    // ------------------------------------------------------------------ GEOHASH strings

    private static final byte[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * GEOHASH's 11-character string for a stored score: the decoded point re-encoded over the
     * standard ±90 latitude range; the 11th character stands for the 3 bits beyond the 52 and is
     * always '0'. Null if the re-encoding fails (cannot happen for decoded points).
     */
    public static byte[] geohashString(double score) {
        double[] xy = decodeScore(score);
        long bits = encode(LONG_MIN, LONG_MAX, STD_LAT_MIN, STD_LAT_MAX, xy[0], xy[1], STEP_MAX);
        if (bits < 0) bits = 0;   // Redis keeps the zeroed hash when encoding fails
        byte[] out = new byte[11];
        for (int i = 0; i < 10; i++) {
            out[i] = ALPHABET[(int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f)];
        }
        out[10] = ALPHABET[0];
        return out;
    }
}
