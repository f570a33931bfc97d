package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyrouter.client.DatagramCounter;
import dev.hyrouter.server.quic.QuicIntake;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket batching options over real QUIC on loopback: every session is answered with each of
 * them on, the sockets carry the options asked for, and nothing stays open. (What they save is
 * measured by {@code loadtest/run.sh saturation --variants base,mmsg16,gso16,mmsg16+gso16}, not here.)
 */
class DatagramBatchingTest {
    private static final String BASE = TestRouter.ONE_BACKEND;

    @ParameterizedTest
    @ValueSource(strings = {
        "{event_loops: 2, datagrams_per_read: 1, gso_segments: 0}",
        "{event_loops: 2, datagrams_per_read: 16}",
        "{event_loops: 2, gso_segments: 16}",
        "{event_loops: 2, udp_gro: true}",
        "{event_loops: 2, datagrams_per_read: 32, gso_segments: 8}",
    })
    void everySessionIsAnsweredAndTheSocketsCarryTheOptions(String quic) throws Exception {
        assumeTrue(QuicIntake.epollAvailable(), "the batching options need epoll (Linux)");
        try (TestRouter r = TestRouter.start("quic: " + quic + "\n" + BASE)) {
            var q = r.server.core().config().quic();
            for (Channel socket : r.server.intake().sockets()) {
                EpollDatagramChannel ch = (EpollDatagramChannel) socket;
                assertThat(ch.config().isUdpGro()).isEqualTo(q.udpGro());
                boolean batched = q.datagramsPerRead() > 1 && !q.udpGro();
                assertThat(ch.config().getMaxDatagramPayloadSize()).isEqualTo(batched ? 2048 : 0);
            }
            DatagramCounter.Totals before = r.client.datagrams();
            assertThat(r.referredTo("play.example.com", "backend.internal", 200, 16)).isEqualTo(200);
            DatagramCounter.Totals after = r.client.datagrams();
            // A session is at least two datagrams each way (an Initial; then the client's Finished with
            // its Connect, the server's handshake flight and its answer), and every one was counted.
            assertThat(after.sent() - before.sent()).isGreaterThanOrEqualTo(2 * 200);
            assertThat(after.received() - before.received()).isGreaterThanOrEqualTo(2 * 200);
            assertThat(after.receivedBytes() - before.receivedBytes()).isGreaterThan(after.received() - before.received());
            r.assertNothingLeaks();
        }
    }
}
