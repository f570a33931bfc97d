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

    @Test
    void theServersCoresComeFromItsAllowedListRangesAndAll() {
        assertThat(WarmupCurve.parseCpuList("0")).containsExactly(0);
        assertThat(WarmupCurve.parseCpuList("0-1,3")).containsExactly(0, 1, 3);
        assertThat(WarmupCurve.allowedCpus(ProcessHandle.current().pid())).isNotEmpty();
        assertThat(WarmupCurve.allowedCpus(-1)).isEmpty();
    }

    @Test
    void stealIsTheEighthValueOfEachChosenCoresLineNotTheTotalLine() {
        java.util.List<String> stat = java.util.List.of(
                "cpu  204610 34994 22973 284591 553 0 3902 4335 0 0",
                "cpu0 88682 34971 10067 140394 66 0 1556 1948 0 0",
                "cpu1 115928 22 12906 144197 487 0 2345 2386 0 0",
                "cpu10 1 1 1 1 1 1 1 700 0 0",
                "intr 123 4 5");
        assertThat(WarmupCurve.stealTicks(stat, new int[] {0})).isEqualTo(1948);
        assertThat(WarmupCurve.stealTicks(stat, new int[] {1})).isEqualTo(2386);
        assertThat(WarmupCurve.stealTicks(stat, new int[] {0, 1})).isEqualTo(1948 + 2386);
        assertThat(WarmupCurve.stealTicks(stat, new int[] {})).isZero();
    }
}
