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
            if (q.gsoSegments() == 0) {
                assertThat(r.server.stats().gsoWrites()).as("GSO writes with gso_segments off").isZero();
            }
            r.assertNothingLeaks();
        }
    }

    /**
     * GSO at work: with a 4096-bit RSA certificate naming 122 hosts (5.5 KB) the router's
     * handshake flight is several full-size datagrams to one client at once, which
     * {@code gso_segments} sends as one write. Netty's codec merges only consecutive datagrams of
     * one size, so with the default P-256 certificate (the whole flight in one datagram) GSO has
     * nothing to merge (perf-reports/dataplane/2026-11-30-batching.md).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 16})
    void aHandshakeFlightOfSeveralDatagramsLeavesAsOneWriteWithGso(int gsoSegments) throws Exception {
        assumeTrue(QuicIntake.epollAvailable(), "GSO needs epoll (Linux)");
        assumeTrue(EpollDatagramChannel.isSegmentedDatagramPacketSupported(), "this kernel lacks UDP_SEGMENT");
        String cert = java.nio.file.Path.of(DatagramBatchingTest.class.getResource("/tls/large-rsa.crt").toURI()).toString();
        String key = java.nio.file.Path.of(DatagramBatchingTest.class.getResource("/tls/large-rsa.key").toURI()).toString();
        String yaml = "tls: {cert_file: \"" + cert + "\", key_file: \"" + key + "\"}\n"
                + "quic: {event_loops: 1, gso_segments: " + gsoSegments + "}\n" + BASE;
        try (TestRouter r = TestRouter.start(yaml)) {
            DatagramCounter.Totals before = r.client.datagrams();
            assertThat(r.referredTo("play.example.com", "backend.internal", 50, 4)).isEqualTo(50);
            DatagramCounter.Totals after = r.client.datagrams();
            assertThat(after.received() - before.received()).as("datagrams to the client: a flight of several per session")
                    .isGreaterThanOrEqualTo(6 * 50);
            var stats = r.server.stats();
            if (gsoSegments > 1) {
                assertThat(stats.gsoWrites()).as("GSO writes").isPositive();
                assertThat(stats.gsoDatagrams()).as("datagrams in GSO writes").isGreaterThanOrEqualTo(2 * stats.gsoWrites());
            } else {
                assertThat(stats.gsoWrites()).as("GSO writes with gso_segments off").isZero();
            }
            r.assertNothingLeaks();
        }
    }
}
