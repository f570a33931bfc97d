package dev.hyrouter.discovery.selector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes label selector semantics, as the original gets them from client-go. */
class LabelSelectorTest {
    private static boolean m(String selector, Map<String, String> labels) {
        return LabelSelector.parse(selector).matches(labels);
    }

    @Test
    void equalityAndInequality() {
        assertThat(m("app=realm", Map.of("app", "realm"))).isTrue();
        assertThat(m("app==realm", Map.of("app", "realm"))).isTrue();
        assertThat(m("app=realm", Map.of("app", "lobby"))).isFalse();
        assertThat(m("app=realm", Map.of())).isFalse();
        // != also matches when the key is absent.
        assertThat(m("tier!=test", Map.of())).isTrue();
        assertThat(m("tier!=test", Map.of("tier", "test"))).isFalse();
    }

    @Test
    void setsAndExistence() {
        assertThat(m("region in (eu, us)", Map.of("region", "us"))).isTrue();
        assertThat(m("region in (eu,us)", Map.of("region", "ap"))).isFalse();
        assertThat(m("region in (eu,us)", Map.of())).isFalse();
        assertThat(m("region notin (eu,us)", Map.of())).isTrue();
        assertThat(m("region notin (eu,us)", Map.of("region", "eu"))).isFalse();
        assertThat(m("canary", Map.of("canary", ""))).isTrue();
        assertThat(m("!canary", Map.of("canary", ""))).isFalse();
        assertThat(m("!canary", Map.of())).isTrue();
    }

    @Test
    void everyRequirementMustHold() {
        String s = "app=realm,region in (eu,us),!canary";
        assertThat(m(s, Map.of("app", "realm", "region", "eu"))).isTrue();
        assertThat(m(s, Map.of("app", "realm", "region", "eu", "canary", "1"))).isFalse();
        assertThat(m(s, Map.of("app", "realm"))).isFalse();
        assertThat(m("", Map.of())).isTrue();
        assertThat(m(null, null)).isTrue();
    }
}
