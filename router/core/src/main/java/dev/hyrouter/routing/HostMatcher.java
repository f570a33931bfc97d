package dev.hyrouter.routing;

import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Object2IntHashMap;

/**
 * Routes' hostname patterns compiled once into indexes, so that a decision costs about the same
 * with ten thousand routes as with one, while the first matching route in config order still
 * wins:
 *
 * <ul>
 *   <li>literal patterns go into a hash map (hostname → lowest route index);</li>
 *   <li>{@code *<literal>} patterns (the usual {@code *.example.com}) go into a suffix table probed
 *       once per distinct suffix length, with a hash rolled from the end of the hostname;</li>
 *   <li>every other glob is tried in order, and only while its route could still win.</li>
 * </ul>
 *
 * Immutable after construction; safe to share between event loops; lookups allocate nothing.
 */
public final class HostMatcher {
    private static final int NONE = Integer.MAX_VALUE;
    /** Longest {@code *<suffix>} literal indexed; longer ones (beyond any DNS name) go to the glob list. */
    private static final int MAX_SUFFIX = 256;

    private final Object2IntHashMap<String> exact = new Object2IntHashMap<>(NONE);
    private final SuffixTable suffixes;
    private final int[] globRoutes;
    private final String[] globPatterns;

    /** @param patternsByRoute each route's patterns, in route order */
    public HostMatcher(List<List<String>> patternsByRoute) {
        List<String> suffixLiterals = new ArrayList<>();
        List<Integer> suffixRoutes = new ArrayList<>();
        List<String> globs = new ArrayList<>();
        List<Integer> globRouteList = new ArrayList<>();
        for (int route = 0; route < patternsByRoute.size(); route++) {
            for (String raw : patternsByRoute.get(route)) {
                String p = Hostnames.canonical(raw);
                if (p.isEmpty()) {
                    continue; // an empty pattern never matches
                }
                if (GoGlob.isLiteral(p)) {
                    if (exact.getValue(p) == NONE) {
                        exact.put(p, route);
                    }
                } else if (p.charAt(0) == '*' && p.length() <= MAX_SUFFIX && GoGlob.isLiteral(p.substring(1))) {
                    suffixLiterals.add(p.substring(1));
                    suffixRoutes.add(route);
                } else {
                    globs.add(p);
                    globRouteList.add(route);
                }
            }
        }
        this.suffixes = new SuffixTable(suffixLiterals, suffixRoutes);
        this.globPatterns = globs.toArray(new String[0]);
        this.globRoutes = globRouteList.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The index of the first route matching {@code canonicalHost} (see {@link Hostnames#canonical}),
     * or -1.
     */
    public int match(String canonicalHost) {
        if (canonicalHost.isEmpty()) {
            return -1;
        }
        int best = exact.getValue(canonicalHost);
        best = Math.min(best, suffixes.match(canonicalHost, best));
        for (int i = 0; i < globRoutes.length && globRoutes[i] < best; i++) {
            if (GoGlob.matches(globPatterns[i], canonicalHost)) {
                best = globRoutes[i];
                break;
            }
        }
        return best == NONE ? -1 : best;
    }

    /**
     * Open-addressing table of {@code *<suffix>} literals keyed by a hash rolled from the end of
     * the hostname. Literals that start with a dot (the usual {@code *.example.com}) are probed
     * only where the hostname has a dot, others at every length that some literal has.
     */
    private static final class SuffixTable {
        private final String[] literals;
        private final int[] routes;
        private final int[] hashes;
        private final boolean[] lengthPresent;
        private final boolean[] dotLengthPresent;
        private final boolean anyNonDot;
        private final int mask;
        private final int emptySuffixRoute;
        private final int minRoute;

        SuffixTable(List<String> literalList, List<Integer> routeList) {
            int capacity = Integer.highestOneBit(Math.max(4, literalList.size() * 2)) << 1;
            literals = new String[capacity];
            routes = new int[capacity];
            hashes = new int[capacity];
            mask = capacity - 1;
            int maxLen = 0;
            int empty = NONE;
            int min = NONE;
            boolean nonDot = false;
            for (String s : literalList) {
                maxLen = Math.max(maxLen, s.length());
            }
            lengthPresent = new boolean[maxLen + 1];
            dotLengthPresent = new boolean[maxLen + 1];
            for (int i = 0; i < literalList.size(); i++) {
                String lit = literalList.get(i);
                int route = routeList.get(i);
                min = Math.min(min, route);
                if (lit.isEmpty()) {
                    empty = Math.min(empty, route);
                    continue;
                }
                if (lit.charAt(0) == '.') {
                    dotLengthPresent[lit.length()] = true;
                } else {
                    lengthPresent[lit.length()] = true;
                    nonDot = true;
                }
                int h = suffixHash(lit, lit.length());
                int slot = h & mask;
                while (literals[slot] != null && !literals[slot].equals(lit)) {
                    slot = (slot + 1) & mask;
                }
                if (literals[slot] == null) {
                    literals[slot] = lit;
                    hashes[slot] = h;
                    routes[slot] = route;
                } else {
                    routes[slot] = Math.min(routes[slot], route);
                }
            }
            emptySuffixRoute = empty;
            minRoute = min;
            anyNonDot = nonDot;
        }

        private static int suffixHash(String s, int length) {
            int h = 0;
            for (int i = s.length() - 1; i >= s.length() - length; i--) {
                h = 31 * h + s.charAt(i);
            }
            return mix(h);
        }

        private static int mix(int h) {
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            return h;
        }

        /** The lowest route whose suffix matches, or NONE; skipped when no suffix route could beat {@code best}. */
        int match(String host, int best) {
            if (minRoute >= best) {
                return NONE;
            }
            int n = host.length();
            int found = NONE;
            if (emptySuffixRoute != NONE && host.indexOf('/') < 0) {
                found = emptySuffixRoute;
            }
            int maxLen = Math.min(n, lengthPresent.length - 1);
            int h = 0;
            if (anyNonDot) {
                for (int len = 1; len <= maxLen; len++) {
                    char c = host.charAt(n - len);
                    h = 31 * h + c;
                    if (c == '.' ? dotLengthPresent[len] : lengthPresent[len]) {
                        found = probe(host, len, h, found);
                    }
                }
            } else {
                for (int len = 1; len <= maxLen; len++) {
                    char c = host.charAt(n - len);
                    h = 31 * h + c;
                    if (c == '.' && dotLengthPresent[len]) {
                        found = probe(host, len, h, found);
                    }
                }
            }
            return found;
        }

        private int probe(String host, int len, int h, int found) {
            int n = host.length();
            int mixed = mix(h);
            int slot = mixed & mask;
            while (literals[slot] != null) {
                if (hashes[slot] == mixed && host.regionMatches(n - len, literals[slot], 0, len)) {
                    // '*' cannot take a '/': the part before the suffix must be slash-free.
                    boolean slashFree = host.lastIndexOf('/', n - len - 1) < 0;
                    return slashFree ? Math.min(found, routes[slot]) : found;
                }
                slot = (slot + 1) & mask;
            }
            return found;
        }
    }
}
