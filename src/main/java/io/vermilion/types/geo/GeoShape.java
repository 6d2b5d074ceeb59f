package io.vermilion.types.geo;

/**
 * A search area of GEOSEARCH / GEORADIUS: a circle of a radius, or an axis-aligned box of a width
 * and height, around a centre, with the factor converting the user's unit to metres. Also the
 * distance formulas and the membership test Redis uses (haversine on a sphere of radius
 * {@link #EARTH_RADIUS_M}), with the same operation order so the same points match.
 *
 * <p>Redis computes with glibc's libm, whose sin, cos and asin are nearly always correctly
 * rounded. HotSpot's Math.sin / Math.cos intrinsics agree with glibc on all but ~0.1% of
 * arguments (StrictMath's fdlibm differs on 1-3%), and {@link Asin} refines fdlibm's asin to the
 * nearest double; together about 0.2% of distances still differ from Redis's in the last bit,
 * which only shows in STOREDIST scores (replies round distances to 4 decimals).
 */
public final class GeoShape {
    /** Earth's quadratic mean radius for WGS-84, as Redis uses it. */
    public static final double EARTH_RADIUS_M = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    public final double longitude;
    public final double latitude;
    public final boolean circle;
    /** Radius (circle) or width / height (box), in the user's unit. */
    public final double radius;
    public final double width;
    public final double height;
    /** Metres per user unit. */
    public final double conversion;

    private GeoShape(double longitude, double latitude, boolean circle, double radius, double width,
                     double height, double conversion) {
        this.longitude = longitude;
        this.latitude = latitude;
        this.circle = circle;
        this.radius = radius;
        this.width = width;
        this.height = height;
        this.conversion = conversion;
    }

    public static GeoShape circle(double longitude, double latitude, double radius, double conversion) {
        return new GeoShape(longitude, latitude, true, radius, 0, 0, conversion);
    }

    public static GeoShape box(double longitude, double latitude, double width, double height, double conversion) {
        return new GeoShape(longitude, latitude, false, 0, width, height, conversion);
    }

    static double degRad(double ang) {
        return ang * D_R;
    }

    static double radDeg(double ang) {
        return ang / D_R;
    }

    /** Distance in metres along a meridian between two latitudes. */
    public static double latDistance(double lat1, double lat2) {
        return EARTH_RADIUS_M * Math.abs(degRad(lat2) - degRad(lat1));
    }

    /** Haversine great-circle distance in metres between two points given in degrees. */
    public static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = degRad(lon1);
        double lon2r = degRad(lon2);
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) return latDistance(lat1, lat2);
        double lat1r = degRad(lat1);
        double lat2r = degRad(lat2);
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_M * Asin.asin(Math.sqrt(a));
    }

    /**
     * The distance in metres from the centre to the point if the point is inside the shape,
     * else NaN (geoWithinShape; the box test checks the latitude, then the longitude distance).
     */
    public double distanceIfWithin(double lon, double lat) {
        if (circle) {
            double d = distance(longitude, latitude, lon, lat);
            return d > radius * conversion ? Double.NaN : d;
        }
        double widthM = width * conversion;
        double heightM = height * conversion;
        if (latDistance(lat, latitude) > heightM / 2) return Double.NaN;
        if (distance(lon, lat, longitude, lat) > widthM / 2) return Double.NaN;
        return distance(longitude, latitude, lon, lat);
    }

    /**
     * The bounding box of the shape {minLon, minLat, maxLon, maxLat}: the half extents turned into
     * degrees, the longitude extent taken at the edge nearer the pole.
     */
    public double[] boundingBox() {
        double h = conversion * (circle ? radius : height / 2);
        double w = conversion * (circle ? radius : width / 2);
        double latDelta = radDeg(h / EARTH_RADIUS_M);
        double lonDeltaTop = radDeg(w / EARTH_RADIUS_M / Math.cos(degRad(latitude + latDelta)));
        double lonDeltaBottom = radDeg(w / EARTH_RADIUS_M / Math.cos(degRad(latitude - latDelta)));
        boolean south = latitude < 0;
        return new double[] {
            south ? longitude - lonDeltaBottom : longitude - lonDeltaTop,
            latitude - latDelta,
            south ? longitude + lonDeltaBottom : longitude + lonDeltaTop,
            latitude + latDelta,
        };
    }

    /** The radius in metres the search-area step is estimated from (half the box diagonal for a box). */
    double searchRadiusMeters() {
        double r = circle ? radius : Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2));
        return r * conversion;
    }

    /** Bits per axis of cells about as large as the radius (fewer near the poles), in [1, 26]. */
    public static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) return 26;
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) step--;
        }
        if (step < 1) step = 1;
        if (step > 26) step = 26;
        return step;
    }
}
