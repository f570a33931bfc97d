package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.testing.Await;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave on purpose over real QUIC (issue 13, item 2). Each ends within the
 * router's deadlines with a Disconnect or a clean close, makes at most one decision, and leaves no
 * connection or stream open on the router. Deadlines are short here so the tests wait little;
 * the waits below are bounds on a hang, not speed claims.
 */
class MisbehavingClientsTest {
    private static final String CONFIG = """
            quic: {event_loops: 2, connect_timeout: 1s, close_after_answer: 1s, max_idle_timeout: 5s}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              default: {strategy: round_robin, backends: [{host: a.internal, port: 5521}]}
            """;

    private static byte[] header(int length, int packetId) {
        return ByteBufUtil.getBytes(Unpooled.buffer(8).writeIntLE(length).writeIntLE(packetId));
    }

    private static ServerAnswer answer(RawQuicClient.Stream s) throws Exception {
        return s.answer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aFrameThatLiesAboutItsLengthThenEndsIsIncomplete() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            s.write(header(100, 0));
            s.write(new byte[10]);
            s.fin();
            assertThat(answer(s).reason()).isEqualTo("Connect packet incomplete.");
            assertThat(r.server.stats().incompleteStreams()).isEqualTo(1);
            assertThat(r.server.stats().connectsReceived()).isZero();
            c.close();
            r.assertNothingLeaks();
        }
    }

    @Test
    void aNegativeLengthIsAFrameOverTheCap() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            s.write(header(-1, 0));
            assertThat(answer(s).reason()).isEqualTo("Packet too large.");
            assertThat(r.server.stats().oversizedFrames()).isEqualTo(1);
            c.close();
            r.assertNothingLeaks();
        }
    }

    @Test
    void aPingThenSilenceIsDisconnectedAtTheConnectDeadline() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            long start = System.nanoTime();
            s.write(header(0, 2));
            assertThat(answer(s).reason()).isEqualTo("Timed out waiting for the Connect packet.");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
            assertThat(r.server.stats().connectTimeouts()).isEqualTo(1);
            c.close();
            r.assertNothingLeaks();
        }
    }

    @Test
    void aStreamResetInsideAFrameIsForgottenAndItsConnectionClosed() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            s.write(header(100, 0));
            s.write(new byte[20]);
            Await.until("the router holds the stream", () -> r.server.stats().streamsOpen() == 1);
            s.reset();
            // The client keeps its connection open and says nothing more: the router's own deadline
            // for a connection without an answer (connect_timeout + 1 s) closes it.
            r.assertNothingLeaks();
            assertThat(r.server.stats().connectsReceived()).isZero();
            assertThat(r.server.stats().referrals()).isZero();
        }
    }

    @Test
    void hundredsOfStreamsOnOneConnectionBuyOneDecision() throws Exception {
        byte[] connect = RawQuicClient.connectFrame();
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            List<CompletableFuture<ServerAnswer>> answers = new ArrayList<>();
            int refusedToOpen = 0;
            for (int i = 0; i < 300; i++) {
                try {
                    RawQuicClient.Stream s = c.open();
                    s.write(connect);
                    answers.add(s.answer);
                } catch (ExecutionException | TimeoutException streamLimit) {
                    refusedToOpen++; // the router grants two bidirectional streams at a time
                }
            }
            int referrals = 0;
            int refusedConnects = 0;
            for (CompletableFuture<ServerAnswer> a : answers) {
                try {
                    ServerAnswer got = a.get(30, TimeUnit.SECONDS);
                    if (got.isReferral()) {
                        referrals++;
                    } else if ("Only one Connect per connection.".equals(got.reason())) {
                        refusedConnects++;
                    }
                } catch (ExecutionException closedUnanswered) {
                    // the router closed the connection after its answer (close_after_answer)
                }
            }
            assertThat(referrals).isEqualTo(1);
            assertThat(r.server.stats().referrals()).isEqualTo(1);
            assertThat(r.server.stats().extraConnects()).isEqualTo(refusedConnects);
            assertThat(r.server.stats().streamsOpened()).as("streams the router accepted").isLessThanOrEqualTo(300 - refusedToOpen);
            c.close();
            r.assertNothingLeaks();
        }
    }

    @Test
    void aClientDribblingOneByteAtATimeIsDisconnectedAtTheConnectDeadline() throws Exception {
        byte[] connect = RawQuicClient.connectFrame();
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            long start = System.nanoTime();
            for (int i = 0; i < connect.length && !s.answer.isDone(); i++) {
                try {
                    s.write(new byte[] {connect[i]});
                } catch (ExecutionException streamClosedByTheRouter) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(answer(s).reason()).isEqualTo("Timed out waiting for the Connect packet.");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
            assertThat(r.server.stats().connectsReceived()).isZero();
            c.close();
            r.assertNothingLeaks();
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswerIsClosedAfterTheDecision() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG);
                RawQuicClient c = new RawQuicClient(r.server.address(), "play.example.com", 0)) {
            RawQuicClient.Stream s = c.open();
            s.write(RawQuicClient.connectFrame());
            // With no stream credit from the client the answer cannot leave; the router decided once
            // and closes the connection close_after_answer later instead of holding it.
            Await.until("the router decided", () -> r.server.stats().referrals() == 1);
            assertThat(s.closed).succeedsWithin(java.time.Duration.ofSeconds(30));
            assertThatThrownBy(() -> s.answer.getNow(null)).isInstanceOf(java.util.concurrent.CompletionException.class);
            r.assertNothingLeaks();
        }
    }

    @Test
    void aClientThatVanishesInsideItsConnectLeavesNothingBehind() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            s.write(header(100, 0));
            Await.until("the router holds the stream", () -> r.server.stats().streamsOpen() == 1);
            c.vanish();
            // No CONNECTION_CLOSE arrives: the connect deadline answers into the void, then the router
            // closes the connection after its answer.
            r.assertNothingLeaks();
            assertThat(r.server.stats().connectTimeouts()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatVanishesAfterItsAnswerLeavesNothingBehind() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG); RawQuicClient c = new RawQuicClient(r.server.address())) {
            RawQuicClient.Stream s = c.open();
            s.write(RawQuicClient.connectFrame());
            assertThat(answer(s).isReferral()).isTrue();
            c.vanish();
            r.assertNothingLeaks();
            assertThat(r.server.stats().referrals()).isEqualTo(1);
        }
    }
}
