package dev.hyrouter.routing;

import java.util.Comparator;
import java.util.List;

/**
 * One compiled {@code sort} entry: key, {@code order: asc|desc}, {@code type: number|string};
 * a missing value sorts last whatever the order. Immutable.
 */
public final class SortRule {
    private final BackendKey key;
    private final boolean descending;
    private final boolean numeric;

    public SortRule(BackendKey key, boolean descending, boolean numeric) {
        this.key = key;
        this.descending = descending;
        this.numeric = numeric;
    }

    private int compare(Backend a, Backend b) {
        if (numeric) {
            double x = key.number(a);
            double y = key.number(b);
            boolean xm = Double.isNaN(x);
            boolean ym = Double.isNaN(y);
            if (xm != ym) {
                return xm ? 1 : -1;
            }
            if (xm || x == y) {
                return 0;
            }
            return descending ? (x > y ? -1 : 1) : (x < y ? -1 : 1);
        }
        String x = key.text(a);
        String y = key.text(b);
        if ((x == null) != (y == null)) {
            return x == null ? 1 : -1;
        }
        if (x == null) {
            return 0;
        }
        // Go compares strings bytewise (UTF-8); UTF-16 order agrees for the BMP without surrogates.
        int c = x.compareTo(y);
        return descending ? -c : c;
    }

    /** A stable comparator over all rules in order. */
    public static Comparator<Backend> comparator(List<SortRule> rules) {
        return (a, b) -> {
            for (SortRule r : rules) {
                int c = r.compare(a, b);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }
}
