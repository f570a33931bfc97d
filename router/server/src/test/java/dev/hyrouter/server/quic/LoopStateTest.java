package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The admission policy of one event loop, on a clock the test moves. */
class LoopStateTest {
    private static final long MS = 1_000_000L;
    private static final long TARGET = 100 * MS;

    @Test
    void shedsOnlyWhileTheFastestHandshakesOfAnIntervalAreSlowerThanTheTarget() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        assertThat(s.overloaded(t, TARGET)).isFalse();
        // An interval of slow handshakes: every one of them queued.
        for (int i = 0; i < 5; i++) {
            s.handshakeCompleted(300 * MS + i);
        }
        assertThat(s.overloaded(t + 50 * MS, TARGET)).as("decided once per interval").isFalse();
        assertThat(s.overloaded(t + 101 * MS, TARGET)).isTrue();
        assertThat(s.shedding()).isTrue();
        // One fast handshake among slow ones: no standing queue.
        for (int i = 0; i < 5; i++) {
            s.handshakeCompleted(300 * MS);
        }
        s.handshakeCompleted(20 * MS);
        assertThat(s.overloaded(t + 202 * MS, TARGET)).isFalse();
    }

    @Test
    void fewSlowHandshakesAreNoEvidence() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.overloaded(t, TARGET);
        // Three far-away players with long round trips: not a queue.
        for (int i = 0; i < IntakeContext.LoopState.MIN_SAMPLES - 1; i++) {
            s.handshakeCompleted(400 * MS);
        }
        assertThat(s.overloaded(t + 101 * MS, TARGET)).isFalse();
    }

    @Test
    void anIntervalWithoutCompletionsAdmitsAgain() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.overloaded(t, TARGET);
        for (int i = 0; i < 10; i++) {
            s.handshakeCompleted(500 * MS);
        }
        assertThat(s.overloaded(t + 101 * MS, TARGET)).isTrue();
        // Handshakes that never complete (a deaf flood) cannot keep the loop shut.
        s.handshaking = 100;
        assertThat(s.overloaded(t + 202 * MS, TARGET)).isFalse();
    }

    @Test
    void aSocketThatStaysFullLongerThanTheTargetSheds() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.socketRead(true, t);
        s.socketRead(true, t + 50 * MS);
        assertThat(s.overloaded(t + 60 * MS, TARGET)).as("full, but not for long").isFalse();
        s.socketRead(true, t + 150 * MS);
        assertThat(s.overloaded(t + 150 * MS, TARGET)).as("full for 150 ms").isTrue();
        // One read that empties the socket ends the standing queue.
        s.socketRead(false, t + 160 * MS);
        assertThat(s.overloaded(t + 170 * MS, TARGET)).isFalse();
    }

    @Test
    void aFullSocketIsNoEvidenceWhileAFreshProbeSaysTheQueueIsShort() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        // A busy loop that keeps up: every read finds more than one read takes, yet a datagram waits 3 ms.
        for (int ms = 0; ms <= 300; ms += 10) {
            s.socketRead(true, t + ms * MS);
            if (ms % 50 == 0) {
                s.socketDelay(3 * MS, t + ms * MS);
            }
            assertThat(s.overloaded(t + ms * MS, TARGET)).as("full for %d ms, probe at 3 ms", ms).isFalse();
        }
        assertThat(s.onsets).containsOnly(0L);
        // A probe that finds a real queue (over a quarter of the target) makes the streak evidence again.
        s.socketRead(true, t + 310 * MS);
        s.socketDelay(30 * MS, t + 310 * MS);
        assertThat(s.overloaded(t + 310 * MS, TARGET)).as("full for 310 ms, probe at 30 ms").isTrue();
        assertThat(s.onsets[IntakeContext.LoopState.SIGNAL_SOCKET_FULL]).isEqualTo(1);
        s.socketRead(false, t + 315 * MS);
        assertThat(s.overloaded(t + 315 * MS, TARGET)).as("a read emptied the socket").isFalse();
        // The probe stops arriving (its prober ended): the full socket is the evidence again.
        s.socketRead(true, t + 320 * MS);
        s.socketRead(true, t + 420 * MS);
        assertThat(s.overloaded(t + 420 * MS, TARGET)).as("full for 100 ms, no probe for 110 ms").isFalse();
        s.socketRead(true, t + 430 * MS);
        assertThat(s.overloaded(t + 430 * MS, TARGET)).as("full for 110 ms, no probe for 120 ms").isTrue();
        assertThat(s.onsets[IntakeContext.LoopState.SIGNAL_SOCKET_FULL]).isEqualTo(2);
    }

    @Test
    void eachSheddingEpisodeIsCountedOnceUnderTheSignalThatBeganIt() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.socketDelay(60 * MS, t);
        assertThat(s.overloaded(t, TARGET)).isTrue();
        assertThat(s.overloaded(t + 10 * MS, TARGET)).isTrue();
        s.socketDelay(1 * MS, t + 20 * MS);
        assertThat(s.overloaded(t + 20 * MS, TARGET)).isFalse();
        slowInterval(s, t + 200 * MS);
        assertThat(s.overloaded(t + 200 * MS, TARGET)).isTrue();
        assertThat(s.onsets).containsExactly(1L, 0L, 1L);
    }

    @Test
    void aProbeThatWaitedOverHalfTheTargetShedsAndKeepsTheWorkInProgress() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.socketDelay(40 * MS, t);
        assertThat(s.admitNew(t, TARGET)).as("40 ms in the socket: under half the target").isTrue();
        s.socketDelay(60 * MS, t + 10 * MS);
        s.handshaking = 3;
        assertThat(s.admitNew(t + 10 * MS, TARGET)).as("60 ms: over half the target").isFalse();
        assertThat(s.shedding()).isTrue();
        // Under half the target's delay is not yet the socket's standing queue: an ended handshake is replaced.
        s.handshakeEnded();
        assertThat(s.admitNew(t + 11 * MS, TARGET)).isTrue();
        assertThat(s.admitNew(t + 11 * MS, TARGET)).isFalse();
        s.socketDelay(10 * MS, t + 30 * MS);
        assertThat(s.admitNew(t + 30 * MS, TARGET)).as("the queue drained").isTrue();
        assertThat(s.shedding()).isFalse();
    }

    @Test
    void aProbeThatWaitedLongerThanTheTargetStopsReplacingEndedHandshakes() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.handshaking = 4;
        s.socketDelay(60 * MS, t);
        assertThat(s.admitNew(t, TARGET)).isFalse();
        s.socketDelay(150 * MS, t + 20 * MS);
        assertThat(s.admitNew(t + 20 * MS, TARGET)).isFalse();
        s.handshakeEnded();
        s.handshakeEnded();
        assertThat(s.admitNew(t + 21 * MS, TARGET)).as("the work in progress shrinks").isFalse();
        // The next probe finds the queue drained.
        s.socketDelay(5 * MS, t + 30 * MS);
        assertThat(s.admitNew(t + 31 * MS, TARGET)).isTrue();
    }

    @Test
    void aProbeOlderThanTheTargetCountsForNothing() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.socketDelay(500 * MS, t);
        assertThat(s.overloaded(t + 50 * MS, TARGET)).isTrue();
        // The prober stopped (or its datagrams were lost): the last delay must not keep the loop shut.
        assertThat(s.overloaded(t + 101 * MS, TARGET)).isFalse();
        assertThat(s.socketDelayNanos(t + 101 * MS, TARGET)).isZero();
        assertThat(s.socketDelayNanos(t + 50 * MS, TARGET)).isEqualTo(500 * MS);
    }

    /** Five slow completions in the interval that ends at {@code end}: the loop sheds from then on. */
    private static void slowInterval(IntakeContext.LoopState s, long end) {
        for (int i = 0; i < 5; i++) {
            s.handshakeCompleted(300 * MS);
        }
        s.overloaded(end, TARGET);
    }

    @Test
    void aSheddingLoopAdmitsOneNewcomerPerHandshakeThatEnded() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        assertThat(s.admitNew(t, TARGET)).as("no queue: everyone").isTrue();
        s.handshaking = 10;
        s.handshakeEnded();
        slowInterval(s, t + 101 * MS);
        // Shedding begins: credits earned before do not count.
        assertThat(s.admitNew(t + 150 * MS, TARGET)).isFalse();
        assertThat(s.admitNew(t + 151 * MS, TARGET)).isFalse();
        // Two handshakes end: two newcomers take their places, the third is refused.
        s.handshakeEnded();
        s.handshakeEnded();
        assertThat(s.handshaking).isEqualTo(7);
        assertThat(s.admitNew(t + 152 * MS, TARGET)).isTrue();
        assertThat(s.admitNew(t + 152 * MS, TARGET)).isTrue();
        assertThat(s.admitNew(t + 153 * MS, TARGET)).isFalse();
        assertThat(s.shedding()).isTrue();
    }

    @Test
    void whileTheSocketStaysFullEndedHandshakesAreNotReplaced() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        s.handshaking = 10;
        slowInterval(s, t + 101 * MS);
        s.handshakeEnded();
        assertThat(s.admitNew(t + 110 * MS, TARGET)).as("a credit from a completion").isTrue();
        s.handshakeEnded();
        // The socket then stays full past the target: the work in progress itself is too much.
        s.socketRead(true, t + 120 * MS);
        for (int i = 0; i < 5; i++) {
            s.handshakeCompleted(300 * MS);
        }
        s.socketRead(true, t + 230 * MS);
        assertThat(s.admitNew(t + 230 * MS, TARGET)).as("the credit earned before is void").isFalse();
        s.handshakeEnded();
        s.handshakeEnded();
        assertThat(s.admitNew(t + 231 * MS, TARGET)).isFalse();
        assertThat(s.handshaking).isEqualTo(6);
        // A read empties the socket: shedding goes on (the last interval was slow) with slots refilled again.
        s.socketRead(false, t + 240 * MS);
        assertThat(s.admitNew(t + 241 * MS, TARGET)).isFalse();
        s.handshakeEnded();
        assertThat(s.admitNew(t + 242 * MS, TARGET)).isTrue();
        assertThat(s.shedding()).isTrue();
    }

    @Test
    void creditsAreCappedSoABurstOfCompletionsCannotOpenTheDoor() {
        IntakeContext.LoopState s = new IntakeContext.LoopState();
        long t = System.nanoTime();
        slowInterval(s, t + 101 * MS);
        assertThat(s.admitNew(t + 150 * MS, TARGET)).isFalse();
        s.handshaking = 1_000;
        for (int i = 0; i < 1_000; i++) {
            s.handshakeEnded();
        }
        int admitted = 0;
        while (s.admitNew(t + 160 * MS, TARGET)) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(IntakeContext.LoopState.MAX_CREDITS);
        // An interval without evidence of a queue: the door opens for everyone again.
        assertThat(s.admitNew(t + 202 * MS, TARGET)).isTrue();
        assertThat(s.admitNew(t + 202 * MS, TARGET)).isTrue();
    }
}
