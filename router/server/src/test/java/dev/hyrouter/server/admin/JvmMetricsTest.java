package dev.hyrouter.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The JVM metrics the admin listener exposes: the Prometheus client's collectors, native memory only where tracked. */
class JvmMetricsTest {
    @Test
    void theJvmCollectorsAreRegisteredAndNativeMemoryOnlyWhereTracked() {
        PrometheusRegistry r = new PrometheusRegistry();
        RouterMetrics.jvm(r);
        Set<String> names = r.scrape().stream().map(s -> s.getMetadata().getPrometheusName()).collect(Collectors.toSet());
        assertThat(names).contains("jvm_memory_used_bytes", "jvm_gc_collection_seconds", "jvm_threads_current",
                "jvm_classes_currently_loaded", "jvm_buffer_pool_used_bytes", "jvm_runtime", "process_cpu_seconds");
        // This test JVM runs without -XX:NativeMemoryTracking.
        assertThat(names).noneMatch(n -> n.startsWith("jvm_native_memory"));
    }

    @Test
    void nativeMemoryTrackingIsReadFromTheJvmOptions() {
        assertThat(RouterMetrics.nativeMemoryTracked(List.of("-Xmx1g"))).isFalse();
        assertThat(RouterMetrics.nativeMemoryTracked(List.of("-XX:NativeMemoryTracking=off"))).isFalse();
        assertThat(RouterMetrics.nativeMemoryTracked(List.of("-XX:+UseParallelGC", "-XX:NativeMemoryTracking=summary"))).isTrue();
        assertThat(RouterMetrics.nativeMemoryTracked(List.of("-XX:NativeMemoryTracking=detail"))).isTrue();
    }
}
