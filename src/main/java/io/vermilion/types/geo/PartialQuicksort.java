package io.vermilion.types.geo;

import java.util.Comparator;

/**
 * Bentley and McIlroy's "engineered" quicksort (median-of-three / ninther pivot, three-way
 * partition keeping the keys equal to the pivot at both ends, insertion sort below 7 elements),
 * restricted like Redis's pqsort to the partitions that overlap a range of positions: afterwards
 * the positions [lo, hi] hold the elements a full sort would put there. Redis uses it for
 * GEOSEARCH ... COUNT; the exact same sequence of comparisons and swaps is needed to reproduce
 * its order among elements that compare equal.
 */
final class PartialQuicksort {
    private PartialQuicksort() {}

    static <T> void sort(T[] a, Comparator<? super T> cmp, int lo, int hi) {
        sort(a, 0, a.length, cmp, lo, hi);
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Swaps the n elements starting at i with the n starting at j. */
    private static <T> void swapRun(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) swap(a, i + k, j + k);
    }

    private static <T> int median(T[] a, int i, int j, int k, Comparator<? super T> cmp) {
        if (cmp.compare(a[i], a[j]) < 0) {
            if (cmp.compare(a[j], a[k]) < 0) return j;
            return cmp.compare(a[i], a[k]) < 0 ? k : i;
        }
        if (cmp.compare(a[j], a[k]) > 0) return j;
        return cmp.compare(a[i], a[k]) < 0 ? i : k;
    }

    /** Whether the sub-array [from, from + n) overlaps the wanted positions [lo, hi]. */
    private static boolean wanted(int from, int n, int lo, int hi) {
        boolean before = lo < from && hi < from;
        boolean after = lo >= from + n && hi >= from + n;
        return !(before || after);
    }

    private static <T> void sort(T[] a, int base, int n, Comparator<? super T> cmp, int lo, int hi) {
        while (true) {
            if (n < 7) {
                for (int m = base + 1; m < base + n; m++) {
                    for (int l = m; l > base && cmp.compare(a[l - 1], a[l]) > 0; l--) swap(a, l, l - 1);
                }
                return;
            }
            int pm = base + n / 2;
            if (n > 7) {
                int pl = base;
                int pn = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = median(a, pl, pl + d, pl + 2 * d, cmp);
                    pm = median(a, pm - d, pm, pm + d, cmp);
                    pn = median(a, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = median(a, pl, pm, pn, cmp);
            }
            swap(a, base, pm);
            int pa = base + 1, pb = base + 1;
            int pc = base + n - 1, pd = base + n - 1;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(a[pb], a[base])) <= 0) {
                    if (r == 0) swap(a, pa++, pb);
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(a[pc], a[base])) >= 0) {
                    if (r == 0) swap(a, pc, pd--);
                    pc--;
                }
                if (pb > pc) break;
                swap(a, pb++, pc--);
            }
            int end = base + n;
            int s = Math.min(pa - base, pb - pa);
            swapRun(a, base, pb - s, s);
            s = Math.min(pd - pc, end - pd - 1);
            swapRun(a, pb, end - s, s);

            int left = pb - pa;
            if (left > 1 && wanted(base, left, lo, hi)) sort(a, base, left, cmp, lo, hi);
            int right = pd - pc;
            if (right > 1) {
                base = end - right;
                n = right;
                if (wanted(base, n, lo, hi)) continue;
            }
            return;
        }
    }
}
