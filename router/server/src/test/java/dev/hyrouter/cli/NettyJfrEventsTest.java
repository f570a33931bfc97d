package dev.hyrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyJfrEventsTest {
    @Test
    void nettysAllocatorEventsAreLeftOutUnlessTheOperatorAskedForThem() {
        Properties unset = new Properties();
        NettyJfrEvents.leaveOutUnlessAsked(unset);
        assertThat(unset.getProperty(NettyJfrEvents.PROPERTY)).isEqualTo("false");

        Properties operator = new Properties();
        operator.setProperty(NettyJfrEvents.PROPERTY, "true");
        NettyJfrEvents.leaveOutUnlessAsked(operator);
        assertThat(operator.getProperty(NettyJfrEvents.PROPERTY)).isEqualTo("true");
    }
}
