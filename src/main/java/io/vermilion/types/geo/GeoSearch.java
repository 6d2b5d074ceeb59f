package io.vermilion.types.geo;

import java.util.ArrayList;
import java.util.List;

/**
 * A geo search over a sorted set (GEOSEARCH, GEORADIUS...): scans the score ranges of the
 * {@link SearchArea} cells in Redis's order, keeps the members inside the shape, and sorts them by
 * distance the way Redis does (a stable full sort, or Redis's partial quicksort when only the
 * first COUNT are returned), so that results and their order, ties included, are Redis's.
 */
public final class GeoSearch {
    private GeoSearch() {}

    /** What a search needs from a sorted set: its members with scores in [min, max), in zset order. */
    public interface ScoreRange {
        /** Calls {@code visitor} for each member with min <= score < max in order until it returns false. */
        void forEachInRange(double min, double max, Visitor visitor);
    }

    @FunctionalInterface
    public interface Visitor {
        /**
         * One member, the bytes member[off, off + len) (which the visitor must not keep: a match
         * is copied), and its score. Returns false to stop the scan.
         */
        boolean visit(byte[] member, int off, int len, double score);
    }

    /** A match: the member, its score, its decoded position and its distance (metres) from the centre. */
    public static final class Point {
        public final byte[] member;
        public final double score;
        public final double longitude;
        public final double latitude;
        public double dist;

        Point(byte[] member, double score, double longitude, double latitude, double dist) {
            this.member = member;
            this.score = score;
            this.longitude = longitude;
            this.latitude = latitude;
            this.dist = dist;
        }
    }

    /**
     * The members inside the shape, in scan order. With {@code limit} > 0 (COUNT ... ANY) the scan
     * stops as soon as that many were found.
     */
    public static List<Point> search(ScoreRange set, GeoShape shape, long limit) {
        SearchArea area = SearchArea.of(shape);
        List<Point> out = new ArrayList<>();
        int lastProcessed = 0;
        for (int i = 0; i < 9; i++) {
            if (area.excluded[i]) continue;
            // Huge radii make neighbouring cells coincide: skip a cell equal to the previous one
            // scanned (never comparing with the centre cell, as Redis).
            if (lastProcessed != 0 && area.cells[i] == area.cells[lastProcessed]) continue;
            if (!out.isEmpty() && limit > 0 && out.size() >= limit) break;
            scanCell(set, (double) area.min(i), (double) area.max(i), shape, out, limit);
            lastProcessed = i;
        }
        return out;
    }

    private static void scanCell(ScoreRange set, double min, double max, GeoShape shape, List<Point> out, long limit) {
        set.forEachInRange(min, max, (member, off, len, score) -> {
            double[] xy = GeoHash.decodeScore(score);
            double d = shape.distanceIfWithin(xy[0], xy[1]);
            if (!Double.isNaN(d)) {
                out.add(new Point(java.util.Arrays.copyOfRange(member, off, off + len), score, xy[0], xy[1], d));
            }
            return !(!out.isEmpty() && limit > 0 && out.size() >= limit);
        });
    }

    private static int compareAsc(Point a, Point b) {
        if (a.dist > b.dist) return 1;
        if (a.dist == b.dist) return 0;
        return -1;
    }

    /**
     * Sorts by distance, ascending or descending. When {@code returned} is less than the number of
     * points only the first {@code returned} positions are guaranteed sorted, with Redis's partial
     * quicksort (whose order among equal distances is its own); otherwise the sort is stable, as
     * glibc's qsort (a merge sort) is.
     */
    public static void sort(List<Point> points, boolean desc, int returned) {
        java.util.Comparator<Point> cmp = desc ? (a, b) -> -compareAsc(a, b) : GeoSearch::compareAsc;
        if (returned >= points.size()) {
            points.sort(cmp);
            return;
        }
        Point[] arr = points.toArray(new Point[0]);
        PartialQuicksort.sort(arr, cmp, 0, returned - 1);
        for (int i = 0; i < arr.length; i++) points.set(i, arr[i]);
    }
}
