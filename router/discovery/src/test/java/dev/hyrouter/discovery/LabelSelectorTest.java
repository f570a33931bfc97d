package dev.hyrouter.discovery;

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

    @Test
    void annotationSelectorsArePairsThatMustAllBeEqual() {
        assertThat(Meta.annotationsMatch(Map.of("a", "1", "b", "2"), "a=1, b=2")).isTrue();
        assertThat(Meta.annotationsMatch(Map.of("a", "1"), "a=1,b=2")).isFalse();
        assertThat(Meta.annotationsMatch(null, "a=1")).isFalse();
        assertThat(Meta.annotationsMatch(null, " ")).isTrue();
        assertThat(Meta.annotationsMatch(Map.of("a", "1"), "a")).isFalse();
    }

    @Test
    void weightsComeFromTheAnnotationBeforeTheLabel() {
        assertThat(Meta.weight(Map.of("hyrouter/weight", "2"), Map.of("hyrouter/weight", "5"))).isEqualTo(5);
        assertThat(Meta.weight(Map.of("hyrouter/weight", "2"), Map.of("hyrouter/weight", "x"))).isEqualTo(2);
        assertThat(Meta.weight(Map.of("hyrouter/weight", "-1"), null)).isZero();
    }
}
