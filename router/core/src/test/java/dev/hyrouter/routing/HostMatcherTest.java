package dev.hyrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostMatcherTest {
    private static int match(HostMatcher m, String host) {
        return m.match(Hostnames.canonical(host));
    }

    @Test
    void firstMatchInConfigOrderWinsAcrossExactSuffixAndGlob() {
        HostMatcher m = new HostMatcher(List.of(
                List.of("*.eu.example.com"),
                List.of("play.eu.example.com", "lobby.example.com"),
                List.of("p?ay.*.example.com"),
                List.of("*"),
                List.of("other.example.org")));
        assertThat(match(m, "play.eu.example.com")).isEqualTo(0);
        assertThat(match(m, "lobby.example.com")).isEqualTo(1);
        assertThat(match(m, "pray.us.example.com")).isEqualTo(2);
        assertThat(match(m, "other.example.org")).isEqualTo(3);
        assertThat(match(m, "a/b")).isEqualTo(-1);
        assertThat(match(m, "")).isEqualTo(-1);
    }

    @Test
    void caseTrailingDotAndWhitespaceAreIgnored() {
        HostMatcher m = new HostMatcher(List.of(List.of("Play.Example.COM."), List.of("*.Example.com")));
        assertThat(match(m, "PLAY.example.com.")).isEqualTo(0);
        assertThat(match(m, " play.example.com ")).isEqualTo(0);
        assertThat(match(m, "x.EXAMPLE.com")).isEqualTo(1);
        assertThat(Hostnames.canonical("play.example.com")).isSameAs(Hostnames.canonical("play.example.com"));
    }

    @Test
    void starDoesNotCrossSlash() {
        HostMatcher m = new HostMatcher(List.of(List.of("*.example.com")));
        assertThat(match(m, "a/b.example.com")).isEqualTo(-1);
        assertThat(match(m, "ab.example.com")).isEqualTo(0);
    }

    @Test
    void emptyPatternNeverMatches() {
        HostMatcher m = new HostMatcher(List.of(List.of(""), List.of("*")));
        assertThat(match(m, "anything")).isEqualTo(1);
    }

    /** The compiled matcher must agree with a naive first-match scan using GoGlob on every input. */
    @Test
    void agreesWithANaiveScan() {
        Random r = new Random(42);
        String[] labels = {"a", "b", "play", "eu", "example", "com", "x1"};
        List<List<String>> routes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StringBuilder p = new StringBuilder();
            int kind = r.nextInt(4);
            if (kind == 0) {
                p.append("*.");
            } else if (kind == 1) {
                p.append("*");
            }
            int n = 1 + r.nextInt(3);
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    p.append('.');
                }
                p.append(kind == 2 && j == 0 ? "?" + labels[r.nextInt(labels.length)] : labels[r.nextInt(labels.length)]);
            }
            routes.add(List.of(p.toString()));
        }
        HostMatcher m = new HostMatcher(routes);
        for (int t = 0; t < 5000; t++) {
            StringBuilder h = new StringBuilder();
            int n = 1 + r.nextInt(4);
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    h.append('.');
                }
                h.append(labels[r.nextInt(labels.length)]);
            }
            String host = h.toString();
            int naive = -1;
            for (int i = 0; i < routes.size() && naive < 0; i++) {
                String p = routes.get(i).get(0);
                if (p.equals(host) || GoGlob.matches(p, host)) {
                    naive = i;
                }
            }
            assertThat(m.match(host)).as(host).isEqualTo(naive);
        }
    }
}
