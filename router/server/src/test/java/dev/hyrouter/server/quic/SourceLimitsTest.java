package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.LimitsConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceLimitsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final SourceLimits limits = new SourceLimits(now::get);
    private final SourceLimits.Refusal[] refusal = new SourceLimits.Refusal[1];

    private static LimitsConfig config(int perIp, int rate, int burst) {
        return new LimitsConfig(0, perIp, rate, burst, LimitsConfig.RetryMode.NEVER, 0);
    }

    /** The admitted source, or {@code null} with the refusing limit in {@code refusal[0]}. */
    private SourceLimits.Source admit(String ip, LimitsConfig c) {
        SourceLimits.Source s = limits.admit(new InetSocketAddress(ip, 40000), c);
        refusal[0] = s.refusal();
        return s.refusal() == null ? s : null;
    }

    @Test
    void theConnectionOverTheLimitOfOneSourceIsRefusedAndAReleaseMakesRoom() {
        LimitsConfig c = config(3, 0, 1);
        List<SourceLimits.Source> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(admit("192.0.2.1", c));
        }
        assertThat(held).doesNotContainNull();
        assertThat(admit("192.0.2.1", c)).isNull();
        assertThat(refusal[0]).isEqualTo(SourceLimits.Refusal.MAX_CONNECTIONS_PER_IP);
        assertThat(admit("192.0.2.2", c)).as("another source has its own count").isNotNull();
        held.get(0).release();
        assertThat(admit("192.0.2.1", c)).isNotNull();
    }

    @Test
    void theDoorsReadOnlyCheckNamesTheLimitAdmitWouldRefuseForAndCountsNothing() {
        LimitsConfig perIp = config(2, 0, 1);
        InetSocketAddress a = new InetSocketAddress("192.0.2.1", 40000);
        assertThat(limits.wouldRefuse(a, perIp)).as("an unknown source").isNull();
        SourceLimits.Source first = admit("192.0.2.1", perIp);
        admit("192.0.2.1", perIp);
        for (int i = 0; i < 5; i++) {
            assertThat(limits.wouldRefuse(a, perIp)).isEqualTo(SourceLimits.Refusal.MAX_CONNECTIONS_PER_IP);
        }
        first.release();
        assertThat(limits.wouldRefuse(a, perIp)).as("asking took no place").isNull();
        assertThat(admit("192.0.2.1", perIp)).isNotNull();

        LimitsConfig rate = config(0, 10, 2); // 10/s, bursts of 2
        InetSocketAddress b = new InetSocketAddress("192.0.2.9", 40000);
        admit("192.0.2.9", rate).release();
        for (int i = 0; i < 5; i++) {
            assertThat(limits.wouldRefuse(b, rate)).as("asking takes no token").isNull();
        }
        admit("192.0.2.9", rate).release();
        assertThat(limits.wouldRefuse(b, rate)).isEqualTo(SourceLimits.Refusal.NEW_CONNECTIONS_PER_IP);
        now.addAndGet(SECOND / 10);
        assertThat(limits.wouldRefuse(b, rate)).as("a token again after 100 ms").isNull();
        assertThat(limits.wouldRefuse(b, config(0, 0, 1))).as("no per-source limit").isNull();
    }

    @Test
    void oneIpv6Slash64IsOneSource() {
        LimitsConfig c = config(2, 0, 1);
        assertThat(admit("2001:db8:1:2::1", c)).isNotNull();
        assertThat(admit("2001:db8:1:2:ffff::9", c)).isNotNull();
        assertThat(admit("2001:db8:1:2:abcd::1", c)).isNull();
        assertThat(admit("2001:db8:1:3::1", c)).as("another /64").isNotNull();
    }

    @Test
    void newConnectionsFollowATokenBucket() {
        LimitsConfig c = config(0, 10, 3); // 10/s, bursts of 3
        for (int i = 0; i < 3; i++) {
            admit("192.0.2.1", c).release();
        }
        assertThat(admit("192.0.2.1", c)).isNull();
        assertThat(refusal[0]).isEqualTo(SourceLimits.Refusal.NEW_CONNECTIONS_PER_IP);
        now.addAndGet(SECOND / 10);
        assertThat(admit("192.0.2.1", c)).as("one token after 100 ms").isNotNull();
        assertThat(admit("192.0.2.1", c)).isNull();
        now.addAndGet(10 * SECOND);
        for (int i = 0; i < 3; i++) {
            assertThat(admit("192.0.2.1", c)).as("a full bucket again, never more than the burst").isNotNull();
        }
        assertThat(admit("192.0.2.1", c)).isNull();
    }

    @Test
    void aRefusedConnectionIsNotCountedAsLive() {
        LimitsConfig c = config(2, 10, 1);
        SourceLimits.Source first = admit("192.0.2.1", c);
        assertThat(admit("192.0.2.1", c)).isNull(); // over the rate
        now.addAndGet(SECOND);
        assertThat(admit("192.0.2.1", c)).as("the refused one holds no slot").isNotNull();
        first.release();
    }

    @Test
    void idleSourcesAreSweptAndBusyOnesKept() {
        LimitsConfig c = config(5, 10, 5);
        SourceLimits.Source busy = admit("192.0.2.1", c);
        admit("192.0.2.2", c).release();
        assertThat(limits.size()).isEqualTo(2);
        limits.sweep();
        assertThat(limits.size()).as("192.0.2.2's bucket is still refilling").isEqualTo(2);
        now.addAndGet(SECOND);
        limits.sweep();
        assertThat(limits.size()).isEqualTo(1);
        busy.release();
        limits.sweep();
        assertThat(limits.size()).isZero();
        assertThat(admit("192.0.2.1", c)).as("a swept source starts afresh").isNotNull();
    }

    @Test
    void withNoPerSourceLimitNothingIsTracked() {
        SourceLimits.Source s = admit("192.0.2.1", config(0, 0, 1));
        assertThat(s).isSameAs(SourceLimits.Source.UNTRACKED);
        s.release();
        assertThat(limits.size()).isZero();
    }
}
