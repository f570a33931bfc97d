package dev.hyrouter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.discovery.MockCluster.Allocation;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.UpstreamCompat;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of the upstream-compat check ({@link UpstreamCompat}: skipped with the reason without the
 * original's files, failing under {@code CI=true}): the Go original's own Kubernetes and Agones
 * dev configs, unchanged but for the listen port, drive the providers over real QUIC against a
 * real API server. Their {@code kubeconfig: ""} finds the cluster the way fabric8 does, here
 * through the {@code kubeconfig} system property.
 */
class UpstreamCompatDiscoveryTest {
    private static Path compatDir;
    @TempDir
    Path dir;
    private MockCluster cluster;

    @BeforeAll
    static void findTheOriginalsFiles() {
        compatDir = UpstreamCompat.locateOrFailUnderCi("UpstreamCompatDiscoveryTest");
    }

    @BeforeEach
    void startCluster() throws Exception {
        UpstreamCompat.assume(compatDir);
        cluster = new MockCluster(dir);
        System.setProperty("kubeconfig", cluster.kubeconfig.toString());
    }

    @AfterEach
    void stop() {
        System.clearProperty("kubeconfig");
        if (cluster != null) {
            cluster.close();
        }
    }

    private TestRouter router(String file) throws Exception {
        return TestRouter.startConfigFile(Files.readString(compatDir.resolve(file)), compatDir.resolve(file).toString());
    }

    private static ServerAnswer referral(TestRouter r) throws Exception {
        ServerAnswer a = r.run("play.example.com").answer();
        assertThat(a.isReferral()).as("answer %s", a).isTrue();
        return a;
    }

    @Test
    void originalsPodsConfig() throws Exception {
        cluster.client.pods().resource(new PodBuilder().withNewMetadata().withNamespace("default").withName("backend-1")
                .withLabels(Map.of("app", "hytale-backend", "region", "eu")).withAnnotations(Map.of("hyrouter/enabled", "true")).endMetadata()
                .withNewStatus().withPodIP("10.0.0.1").withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus().build()).create();
        try (TestRouter r = router("config.kubernetes.pods.dev.yaml")) {
            ServerAnswer a = referral(r);
            assertThat(a.host() + ":" + a.port()).isEqualTo("10.0.0.1:5520");
        }
    }

    @Test
    void originalsEndpointSlicesConfig() throws Exception {
        try (TestRouter r = router("config.kubernetes.endpointslices.dev.yaml")) {
            // Nothing discovered yet: prefer mode falls back to the static backend.
            assertThat(referral(r).host()).isEqualTo("play.hyvane.com");
            cluster.client.discovery().v1().endpointSlices().resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("default")
                    .withName("hytale-backend-1").withLabels(Map.of("kubernetes.io/service-name", "hytale-backend", "hyrouter/enabled", "true"))
                    .endMetadata().withAddressType("IPv4").addNewPort().withName("game").withPort(5520).endPort()
                    .addNewEndpoint().withAddresses("10.0.1.1").withNewConditions().withReady(true).endConditions().endEndpoint().build()).create();
            Await.until("the slice is discovered", () -> r.server.discovery().states().get(0).backends() == 1);
            assertThat(referral(r).host()).isEqualTo("10.0.1.1");
        }
    }

    @Test
    void originalsAgonesObserveConfig() throws Exception {
        cluster.client.genericKubernetesResources(AgonesProvider.GAME_SERVERS).inNamespace("default").resource(MockCluster.gameServer("default",
                "hytale-1", Map.of("agones.dev/fleet", "hytale"), Map.of("hyrouter/enabled", "true"), Map.of("state", "Ready",
                        "address", "10.0.2.1", "ports", List.of(Map.of("name", "gameport", "port", 7100)),
                        "counters", Map.of("players", Map.of("count", 3, "capacity", 20))))).create();
        try (TestRouter r = router("config.agones.observe.dev.yaml")) {
            ServerAnswer a = referral(r);
            assertThat(a.host() + ":" + a.port()).isEqualTo("10.0.2.1:7100");
        }
    }

    @Test
    void originalsAgonesAllocateConfig() throws Exception {
        cluster.allocations.add(Allocation.allocated("198.51.100.4", "gameport", 7200));
        try (TestRouter r = router("config.agones.allocate.dev.yaml")) {
            ServerAnswer a = referral(r);
            assertThat(a.host() + ":" + a.port()).isEqualTo("198.51.100.4:7200");
            assertThat(cluster.allocationRequests.get(0).namespace()).isEqualTo("default");
        }
    }
}
