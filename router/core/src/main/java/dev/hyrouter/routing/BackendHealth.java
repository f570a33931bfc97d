package dev.hyrouter.routing;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What routing knows of each backend's health: the state its checks put it in, and whether an
 * operator drained it. Readers (event loops) take the current {@link Snapshot} with one volatile
 * read and never lock; writers (the health checker's thread, the admin listener) replace it,
 * which happens when a state changes, not per check. Keyed by {@link #target target} ("host:port"),
 * so a backend in several pools, or listed again by discovery, has one state.
 */
public final class BackendHealth {
    /** A backend's state as its checks left it. */
    public enum State {
        /** Not checked yet (or not checked at all): routed to, as without checks. */
        UNKNOWN,
        HEALTHY,
        UNHEALTHY;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An immutable view; compare by identity to know whether anything changed. */
    public static final class Snapshot {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Set.of());
        private final Map<String, State> states;
        private final Set<String> drained;

        private Snapshot(Map<String, State> states, Set<String> drained) {
            this.states = states;
            this.drained = drained;
        }

        public State state(Backend b) {
            State s = states.get(target(b.host(), b.port()));
            return s == null ? State.UNKNOWN : s;
        }

        public boolean drained(Backend b) {
            return !drained.isEmpty() && drained.contains(target(b.host(), b.port()));
        }

        public boolean hasDrains() {
            return !drained.isEmpty();
        }

        /** Every checked target's state; unmodifiable. */
        public Map<String, State> states() {
            return states;
        }

        /** Drained targets; unmodifiable. */
        public Set<String> drainedTargets() {
            return drained;
        }
    }

    private volatile Snapshot current = Snapshot.EMPTY;

    public Snapshot snapshot() {
        return current;
    }

    /** The key of a backend: {@code host:port}, an IPv6 literal in brackets. */
    public static String target(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Records a state; returns the previous one ({@code UNKNOWN} when none). */
    public synchronized State set(String target, State state) {
        Snapshot s = current;
        State before = s.states.getOrDefault(target, State.UNKNOWN);
        if (before != state) {
            Map<String, State> next = new HashMap<>(s.states);
            next.put(target, state);
            current = new Snapshot(Collections.unmodifiableMap(next), s.drained);
        }
        return before;
    }

    /** Forgets a target's checked state (it left every pool); a drain stays until it is lifted. */
    public synchronized void forget(String target) {
        Snapshot s = current;
        if (s.states.containsKey(target)) {
            Map<String, State> next = new HashMap<>(s.states);
            next.remove(target);
            current = new Snapshot(Collections.unmodifiableMap(next), s.drained);
        }
    }

    /** Drains ({@code true}) or returns ({@code false}) a target; returns whether that changed anything. */
    public synchronized boolean drain(String target, boolean drain) {
        Snapshot s = current;
        if (s.drained.contains(target) == drain) {
            return false;
        }
        Set<String> next = new HashSet<>(s.drained);
        if (drain) {
            next.add(target);
        } else {
            next.remove(target);
        }
        current = new Snapshot(s.states, Collections.unmodifiableSet(next));
        return true;
    }
}
