package dev.hyrouter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The providers' reading of annotations: annotation selectors and backend weights. */
class MetaTest {
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
