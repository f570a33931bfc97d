package dev.hyrouter.routing;

/** {@code compare}: {@code left op right} on two numeric keys; a missing value fails. */
public final class CompareFilter implements CandidateFilter {
    /** Comparison operators. */
    public enum Op {
        LT, LTE, GT, GTE, EQ, NEQ;

        /** Parses {@code lt lte gt gte eq neq}; {@code null} when unknown. */
        public static Op parse(String text) {
            String n = Names.normalize(text);
            for (Op op : values()) {
                if (op.name().toLowerCase(java.util.Locale.ROOT).equals(n)) {
                    return op;
                }
            }
            return null;
        }
    }

    private final BackendKey left;
    private final Op op;
    private final BackendKey right;

    public CompareFilter(BackendKey left, Op op, BackendKey right) {
        this.left = left;
        this.op = op;
        this.right = right;
    }

    @Override
    public boolean passes(RoutingRequest request, Backend backend, long nowMillis) {
        double l = left.number(backend);
        double r = right.number(backend);
        if (Double.isNaN(l) || Double.isNaN(r)) {
            return false;
        }
        switch (op) {
            case LT:
                return l < r;
            case LTE:
                return l <= r;
            case GT:
                return l > r;
            case GTE:
                return l >= r;
            case EQ:
                return l == r;
            default:
                return l != r;
        }
    }
}
