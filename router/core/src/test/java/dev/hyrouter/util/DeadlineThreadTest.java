package dev.hyrouter.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineThreadTest {
    /** Runs {@code body} on a new DeadlineThread (the fields are that thread's own) and returns what it recorded. */
    private static List<Boolean> onDeadlineThread(java.util.function.Consumer<List<Boolean>> body) throws Exception {
        CompletableFuture<List<Boolean>> out = new CompletableFuture<>();
        Thread t = DeadlineThread.factory("deadline-test").newThread(() -> {
            List<Boolean> seen = new ArrayList<>();
            try {
                body.accept(seen);
                out.complete(seen);
            } catch (Throwable e) {
                out.completeExceptionally(e);
            }
        });
        assertThat(t).isInstanceOf(DeadlineThread.class);
        assertThat(t.getName()).startsWith("deadline-test-");
        t.start();
        return out.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aPassedDeadlineIsSeenAtTheNextClockReadOnceAndReportedByDisarm() throws Exception {
        List<Boolean> seen = onDeadlineThread(s -> {
            DeadlineThread d = (DeadlineThread) Thread.currentThread();
            d.armDeadline(System.nanoTime() - 1, 4);
            for (int i = 0; i < 6; i++) {
                s.add(d.deadlinePassed());
            }
            s.add(d.disarmDeadline());
            s.add(d.deadlinePassed());
            s.add(d.disarmDeadline());
        });
        // The clock is read at the 4th check only; once reported, it stays quiet until the next arm.
        assertThat(seen).containsExactly(false, false, false, true, false, false, true, false, false);
    }

    @Test
    void aFutureOrDisarmedDeadlineNeverPasses() throws Exception {
        List<Boolean> seen = onDeadlineThread(s -> {
            DeadlineThread d = (DeadlineThread) Thread.currentThread();
            d.armDeadline(System.nanoTime() + TimeUnit.HOURS.toNanos(1), 2);
            boolean any = false;
            for (int i = 0; i < 10_000; i++) {
                any |= d.deadlinePassed();
            }
            s.add(any);
            s.add(d.disarmDeadline());
            d.armDeadline(System.nanoTime() - 1, 2);
            d.disarmDeadline();
            any = false;
            for (int i = 0; i < 10_000; i++) {
                any |= d.deadlinePassed();
            }
            s.add(any);
        });
        assertThat(seen).containsExactly(false, false, false);
    }
}
