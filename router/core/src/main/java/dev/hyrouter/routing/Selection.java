package dev.hyrouter.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One compiled selection attempt: filters → stable sort → limit → strategy. A pool has a base
 * selection and one per {@code fallback} entry. Immutable; safe to share between threads.
 */
public final class Selection {
    private final Strategy strategy;
    private final BackendKey key;
    private final int sample;
    private final List<SortRule> sort;
    private final Comparator<Backend> comparator;
    private final int limit;
    private final List<CandidateFilter> filters;

    public Selection(Strategy strategy, BackendKey key, int sample, List<SortRule> sort, int limit, List<CandidateFilter> filters) {
        this.strategy = strategy;
        this.key = key;
        this.sample = sample;
        this.sort = List.copyOf(sort);
        this.comparator = this.sort.isEmpty() ? null : SortRule.comparator(this.sort);
        this.limit = limit;
        this.filters = List.copyOf(filters);
    }

    public Strategy strategy() {
        return strategy;
    }

    public BackendKey key() {
        return key;
    }

    public int sample() {
        return sample;
    }

    public List<SortRule> sort() {
        return sort;
    }

    public int limit() {
        return limit;
    }

    public List<CandidateFilter> filters() {
        return filters;
    }

    /**
     * The candidates after filters, sort and limit: the input list itself (no copy) when none of
     * them changes it; an empty list when the filters leave nothing.
     */
    List<Backend> candidates(RoutingRequest request, List<Backend> backends, java.util.function.LongSupplier clockMillis) {
        List<Backend> out = backends;
        if (!filters.isEmpty()) {
            long nowMillis = clockMillis.getAsLong();
            List<Backend> kept = new ArrayList<>(backends.size());
            for (int i = 0; i < backends.size(); i++) {
                Backend b = backends.get(i);
                if (passesAll(request, b, nowMillis)) {
                    kept.add(b);
                }
            }
            out = kept;
        }
        if (out.isEmpty()) {
            return out;
        }
        if (comparator != null) {
            List<Backend> sorted = out == backends ? new ArrayList<>(backends) : out;
            sorted.sort(comparator); // List.sort is a stable merge sort
            out = sorted;
        }
        if (limit > 0 && out.size() > limit) {
            out = out.subList(0, limit);
        }
        return out;
    }

    private boolean passesAll(RoutingRequest request, Backend b, long nowMillis) {
        for (int f = 0; f < filters.size(); f++) {
            if (!filters.get(f).passes(request, b, nowMillis)) {
                return false;
            }
        }
        return true;
    }

    /** Picks an index into non-empty {@code candidates}. */
    int pick(List<Backend> candidates, PoolRouter.Counter counter, RandomSource rng) {
        int n = candidates.size();
        switch (strategy) {
            case ROUND_ROBIN:
                return (int) Long.remainderUnsigned(counter.next(), n);
            case RANDOM:
                return rng.nextInt(n);
            case WEIGHTED:
                return pickWeighted(candidates, rng);
            case LEAST_LOADED:
                return pickLeastLoaded(candidates);
            default:
                return pickP2c(candidates, rng);
        }
    }

    private static int effectiveWeight(Backend b) {
        return b.weight() <= 0 ? 1 : b.weight();
    }

    private static int pickWeighted(List<Backend> candidates, RandomSource rng) {
        long total = 0;
        for (int i = 0; i < candidates.size(); i++) {
            total += effectiveWeight(candidates.get(i));
        }
        long r = total <= Integer.MAX_VALUE ? rng.nextInt((int) total) : Math.floorMod(((long) rng.nextInt(Integer.MAX_VALUE) << 31) ^ rng.nextInt(Integer.MAX_VALUE), total);
        long acc = 0;
        for (int i = 0; i < candidates.size(); i++) {
            acc += effectiveWeight(candidates.get(i));
            if (r < acc) {
                return i;
            }
        }
        return candidates.size() - 1;
    }

    private int pickLeastLoaded(List<Backend> candidates) {
        int best = -1;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            double v = key.number(candidates.get(i));
            if (!Double.isNaN(v) && v < bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best >= 0 ? best : 0;
    }

    private int pickP2c(List<Backend> candidates, RandomSource rng) {
        int n = candidates.size();
        int want = Math.min(sample <= 0 ? 2 : sample, n);
        int[] chosen = new int[want];
        int count = 0;
        int best = -1;
        double bestValue = Double.POSITIVE_INFINITY;
        while (count < want) {
            int idx = rng.nextInt(n);
            boolean seen = false;
            for (int c = 0; c < count; c++) {
                if (chosen[c] == idx) {
                    seen = true;
                    break;
                }
            }
            if (seen) {
                continue;
            }
            chosen[count++] = idx;
            double v = key.number(candidates.get(idx));
            if (Double.isNaN(v)) {
                v = Double.POSITIVE_INFINITY;
            }
            if (v < bestValue) {
                bestValue = v;
                best = idx;
            }
        }
        return best >= 0 ? best : 0;
    }
}
