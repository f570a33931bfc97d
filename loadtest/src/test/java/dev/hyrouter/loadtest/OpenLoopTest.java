package dev.hyrouter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.loadtest.OpenLoop.Ending;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
    private static final long S = 1_000_000_000L;

    @Test
    void goodputCountsAnswersByWhenTheyCompletedNotWhenTheirSessionStarted() {
        // Window [10 s, 20 s): the rush phase. Sessions started in it but answered after it belong
        // to the next phase's goodput; one started before it and answered inside it counts here.
        List<Ending> all = List.of(
                new Ending(null, 12 * S, 1 * S, Ending.ANSWERED),   // answered at 13 s: in
                new Ending(null, 9 * S, 2 * S, Ending.ANSWERED),    // started before, answered at 11 s: in
                new Ending(null, 18 * S, 4 * S, Ending.ANSWERED),   // answered at 22 s, in the calm after: out
                new Ending(null, 15 * S, 5 * S, Ending.ANSWERED),   // answered exactly at 20 s: the next window's
                new Ending(null, 11 * S, 1 * S, Ending.REFUSED),    // told "busy" inside: not an answer
                new Ending(null, 12 * S, 5 * S, Ending.TIMED_OUT)); // gave up inside: not an answer
        assertThat(OpenLoop.answeredWithin(all, 10 * S, 20 * S)).isEqualTo(2);
        assertThat(OpenLoop.answeredWithin(all, 20 * S, 30 * S)).isEqualTo(2);
    }
}
