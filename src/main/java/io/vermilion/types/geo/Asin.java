package io.vermilion.types.geo;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * arcsine rounded (almost always) to the nearest double, as glibc's asin is: Redis's distances
 * come from glibc's libm, and fdlibm's asin (StrictMath, which Math.asin uses too) is off by one
 * unit in the last place for about 3% of arguments, which shows in STOREDIST scores and can move
 * a point across a radius. The fdlibm value is refined by one Newton step whose residual
 * {@code x - sin(y0)} is computed in double-double arithmetic.
 */
final class Asin {
    private Asin() {}

    /** Taylor coefficients (-1)^k / (2k+1)! of sin as double-double pairs (hi, lo). */
    private static final int TERMS = 21;
    private static final double[] COEF_HI = new double[TERMS];
    private static final double[] COEF_LO = new double[TERMS];

    static {
        MathContext mc = new MathContext(60);
        BigDecimal fact = BigDecimal.ONE;
        for (int k = 0; k < TERMS; k++) {
            if (k > 0) fact = fact.multiply(BigDecimal.valueOf((2L * k) * (2L * k + 1)));
            BigDecimal c = BigDecimal.ONE.divide(fact, mc);
            if ((k & 1) == 1) c = c.negate();
            double hi = c.doubleValue();
            COEF_HI[k] = hi;
            COEF_LO[k] = c.subtract(new BigDecimal(hi), mc).doubleValue();
        }
    }

    static double asin(double x) {
        if (!(x > 0)) return x < 0 ? -asin(-x) : StrictMath.asin(x);   // 0, -0, NaN
        double y0 = StrictMath.asin(x);
        if (x >= 1) return y0;
        double c = Math.cos(y0);
        if (c == 0) return y0;
        // sin(y0) in double-double, by Horner over y0^2.
        double y2h = y0 * y0;
        double y2l = Math.fma(y0, y0, -y2h);
        double sh = COEF_HI[TERMS - 1], sl = COEF_LO[TERMS - 1];
        for (int k = TERMS - 2; k >= 0; k--) {
            // (sh, sl) = (sh, sl) * (y2h, y2l) + coef[k]
            double ph = sh * y2h;
            double pl = Math.fma(sh, y2h, -ph) + (sh * y2l + sl * y2h);
            double th = ph + COEF_HI[k];
            double bb = th - ph;
            double tl = (ph - (th - bb)) + (COEF_HI[k] - bb) + pl + COEF_LO[k];
            sh = th + tl;
            sl = tl - (sh - th);
        }
        double ph = sh * y0;
        double pl = Math.fma(sh, y0, -ph) + sl * y0;
        double rh = x - ph;   // exact: x and sin(y0) are within a few units of each other
        double r = rh - pl;
        return y0 + r / c;
    }
}
