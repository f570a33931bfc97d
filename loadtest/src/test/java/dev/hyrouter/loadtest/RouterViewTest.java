package dev.hyrouter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The router-side p99 of what happened between two scrapes, from cumulative bucket counts. */
class RouterViewTest {
    private static RouterView.Scrape scrape(long under1ms, long under5ms, long under25ms, long all) {
        return new RouterView.Scrape("""
                # TYPE hyrouter_handshake_latency_seconds histogram
                hyrouter_handshake_latency_seconds_bucket{le="5.0E-4"} 0
                hyrouter_handshake_latency_seconds_bucket{le="0.001"} %d
                hyrouter_handshake_latency_seconds_bucket{le="0.005"} %d
                hyrouter_handshake_latency_seconds_bucket{le="0.025"} %d
                hyrouter_handshake_latency_seconds_bucket{le="+Inf"} %d
                hyrouter_handshake_latency_seconds_count %d
                hyrouter_answer_latency_seconds_bucket{le="0.001"} 7
                hyrouter_answer_latency_seconds_bucket{le="+Inf"} 7
                """.formatted(under1ms, under5ms, under25ms, all, all));
    }

    @Test
    void theP99IsTheBoundHoldingNinetyNinePercentOfTheNewSamplesOnly() {
        // Before: 1,000 fast samples. Between: 1,000 more, of which 20 took 5-25 ms.
        RouterView.Scrape before = scrape(1000, 1000, 1000, 1000);
        RouterView.Scrape after = scrape(1980, 1980, 2000, 2000);
        assertThat(RouterView.p99BoundMs(before, after, RouterView.HANDSHAKE)).isEqualTo("25.0000");
        // The same 1,000 with only 5 slow: 99 % are under 1 ms.
        assertThat(RouterView.p99BoundMs(before, scrape(1995, 1995, 2000, 2000), RouterView.HANDSHAKE)).isEqualTo("1.00000");
    }

    @Test
    void noNewSamplesOrAFailedScrapeReadNullAndTheOpenTopBucketInf() {
        RouterView.Scrape s = scrape(10, 10, 10, 10);
        assertThat(RouterView.p99BoundMs(s, s, RouterView.ANSWER)).isEqualTo("null");
        assertThat(RouterView.p99BoundMs(s, new RouterView.Scrape(""), RouterView.HANDSHAKE)).isEqualTo("null");
        assertThat(RouterView.p99BoundMs(s, scrape(10, 10, 10, 110), RouterView.HANDSHAKE)).isEqualTo("\"inf\"");
    }
}
