package dev.hyrouter.routing;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Random numbers for the random, weighted and p2c strategies; seedable for tests. */
@FunctionalInterface
public interface RandomSource {
    /** A uniform int in {@code [0, bound)}. */
    int nextInt(int bound);

    /** Per-thread randomness: no lock, no contention between event loops. */
    RandomSource THREAD_LOCAL = bound -> ThreadLocalRandom.current().nextInt(bound);

    /** A deterministic source for tests; not thread safe. */
    static RandomSource seeded(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return r::nextInt;
    }
}
