package dev.hyrouter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WarmupCurveTest {
    private static long inHalfASecond() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    }

    @Test
    void aWarmClientSeesTheRoutersPortBoundWithoutSendingToIt() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "needs Linux's /proc/net/udp");
        try (DatagramSocket bound = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(WarmupCurve.awaitUdpBound(bound.getLocalPort(), inHalfASecond())).isTrue();
        }
    }

    @Test
    void aPortBoundOnEveryAddressCountsToo() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "needs Linux's /proc/net/udp");
        try (DatagramSocket wildcard = new DatagramSocket(0)) {
            assertThat(WarmupCurve.awaitUdpBound(wildcard.getLocalPort(), inHalfASecond())).isTrue();
        }
    }

    @Test
    void aPortNoLongerBoundIsNotSeenAndTheWaitEndsAtItsDeadline() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "needs Linux's /proc/net/udp");
        int port;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = gone.getLocalPort();
        }
        assertThat(WarmupCurve.awaitUdpBound(port, inHalfASecond())).isFalse();
    }
}
