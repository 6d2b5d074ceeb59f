package io.vermilion.types.geo;

/**
 * The cells a geo search scans: the cell holding the centre at a step estimated from the search
 * radius, and its eight neighbours, minus the neighbours the shape's bounding box does not reach
 * (Redis's geohashCalculateAreasByShapeWGS84). Each cell is a score range [min, max) of the zset.
 * Cells are in Redis's scan order: centre, N, S, E, W, NE, NW, SE, SW, which is the order
 * unsorted results come out in.
 */
public final class SearchArea {
    /** Offsets (dx east, dy north) of the 9 cells in scan order. */
    private static final int[][] ORDER = {
        {0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1},
    };
    private static final int N = 1, S = 2, E = 3, W = 4, NE = 5, NW = 6, SE = 7, SW = 8;

    public final int step;
    /** Cell bits in scan order. */
    public final long[] cells = new long[9];
    /** Cells excluded because the search area does not reach them. */
    public final boolean[] excluded = new boolean[9];

    private SearchArea(int step, long centre) {
        this.step = step;
        for (int i = 0; i < 9; i++) cells[i] = GeoHash.neighbour(centre, step, ORDER[i][0], ORDER[i][1]);
    }

    public static SearchArea of(GeoShape shape) {
        double[] bb = shape.boundingBox();
        double minLon = bb[0], minLat = bb[1], maxLon = bb[2], maxLat = bb[3];
        int steps = GeoShape.estimateSteps(shape.searchRadiusMeters(), shape.latitude);
        SearchArea a = new SearchArea(steps, GeoHash.encodeWgs84(shape.longitude, shape.latitude, steps));

        // The estimated step may be too coarse near a cell edge: the north/south/east/west cells
        // must reach past the bounding box, else use cells twice as large.
        boolean decrease = GeoHash.cellBounds(a.cells[N], steps)[3] < maxLat
                || GeoHash.cellBounds(a.cells[S], steps)[2] > minLat
                || GeoHash.cellBounds(a.cells[E], steps)[1] < maxLon
                || GeoHash.cellBounds(a.cells[W], steps)[0] > minLon;
        if (steps > 1 && decrease) {
            steps--;
            a = new SearchArea(steps, GeoHash.encodeWgs84(shape.longitude, shape.latitude, steps));
        }

        if (steps >= 2) {
            double[] c = GeoHash.cellBounds(a.cells[0], steps);
            if (c[2] < minLat) a.exclude(S, SW, SE);
            if (c[3] > maxLat) a.exclude(N, NE, NW);
            if (c[0] < minLon) a.exclude(W, SW, NW);
            if (c[1] > maxLon) a.exclude(E, SE, NE);
        }
        return a;
    }

    private void exclude(int... which) {
        for (int i : which) excluded[i] = true;
    }

    /** Lowest score of cell i (inclusive). */
    public long min(int i) {
        return GeoHash.align52(cells[i], step);
    }

    /** Score just past cell i (exclusive). */
    public long max(int i) {
        return GeoHash.align52(cells[i] + 1, step);
    }
}
