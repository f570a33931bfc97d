package dev.hyrouter.server.quic;

import dev.hyrouter.codec.ClientReferralEncoder;
import dev.hyrouter.pipeline.DecisionPipeline;
import dev.hyrouter.pipeline.RouterCore;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.atomic.LongAdder;

/**
 * One loaded configuration as the intake uses it: the pipeline (routes, messages, plugins),
 * the referral encoder (keys) and the per-route counters. Immutable and swapped whole by a
 * reload; a stream keeps the generation it started under until it ends, so a decision in flight
 * finishes under the config it started with.
 */
public final class Generation {
    final long number;
    final RouterCore core;
    final DecisionPipeline pipeline;
    final boolean pluginsConfigured;
    final boolean logClientIp;
    final dev.hyrouter.config.LimitsConfig limits;
    /** Referrals per route (index 0: the default pool, i: route i-1). */
    final LongAdder[] referralsByRoute;
    private final FastThreadLocal<ClientReferralEncoder> encoders;

    Generation(long number, RouterCore core) {
        this.number = number;
        this.core = core;
        this.pipeline = core.pipeline();
        this.pluginsConfigured = !core.plugins().isEmpty();
        this.logClientIp = core.config().logging().logClientIp();
        this.limits = core.config().limits();
        int routes = core.config().routing().routes().size();
        this.referralsByRoute = routeCounters(routes + 1);
        ClientReferralEncoder prototype = core.referralEncoderPrototype();
        // One slot per generation in every event loop's thread-local map: a few per reload, never per connection.
        this.encoders = new FastThreadLocal<>() {
            @Override
            protected ClientReferralEncoder initialValue() {
                return prototype.copy();
            }
        };
    }

    ClientReferralEncoder encoder() {
        return encoders.get();
    }

    /** {@code slots} fresh referral counters: index 0 the default pool, index i route i-1. */
    static LongAdder[] routeCounters(int slots) {
        LongAdder[] counters = new LongAdder[slots];
        for (int i = 0; i < slots; i++) {
            counters[i] = new LongAdder();
        }
        return counters;
    }

    /** Counts a referral on {@code counters} ({@link #referralsByRoute}, or a warm-up's twin of them). */
    static void count(LongAdder[] counters, int routeIndex) {
        int slot = routeIndex + 1;
        if (slot >= 0 && slot < counters.length) {
            counters[slot].increment();
        }
    }

    public long number() {
        return number;
    }

    public RouterCore core() {
        return core;
    }

    /** Referrals made under this generation per route: index 0 is the default pool, index i is route i-1. */
    public long[] referralsByRoute() {
        long[] out = new long[referralsByRoute.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = referralsByRoute[i].sum();
        }
        return out;
    }
}
