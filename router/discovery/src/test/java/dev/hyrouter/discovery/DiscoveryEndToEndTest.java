package dev.hyrouter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.discovery.MockCluster.Allocation;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's discovery fixture configs served over real QUIC, with their providers
 * watching a real (in-process) Kubernetes API server: what the cluster holds is where clients are
 * sent, and what it cannot give is answered with {@code discovery_error}.
 */
class DiscoveryEndToEndTest {
    private static final String DISCOVERY_ERROR = "The server is looking for an available instance. Please try again in a moment.";

    @TempDir
    Path dir;
    private MockCluster cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = new MockCluster(dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private TestRouter router(String fixture) throws Exception {
        String text = Fixtures.config(fixture);
        assertThat(text).contains("kubeconfig: \"\"");
        return TestRouter.startConfigFile(text.replace("kubeconfig: \"\"", "kubeconfig: \"" + cluster.kubeconfig + "\""),
                dir.resolve(fixture).toString());
    }

    private static Pod realmPod(String name, String ip, String zone) {
        return new PodBuilder().withNewMetadata().withNamespace("games").withName(name)
                .withLabels(Map.of("app", "realm", "tier", "game", "zone", zone)).withAnnotations(Map.of("hyrouter/route", "yes")).endMetadata()
                .withNewStatus().withPodIP(ip).withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
    }

    @Test
    void podsFixtureRefersClientsToTheReadyPodsAndFollowsTheCluster() throws Exception {
        cluster.client.pods().resource(realmPod("realm-1", "10.0.0.1", "b")).create();
        cluster.client.pods().resource(realmPod("realm-2", "10.0.0.2", "a")).create();
        try (TestRouter r = router("kubernetes-pods.yaml")) {
            assertThat(r.server.discovery().synced()).isTrue();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                ServerAnswer a = r.run("realm.example.com").answer();
                assertThat(a.isReferral()).as("answer %s", a).isTrue();
                seen.add(a.host() + ":" + a.port());
            }
            // weighted over both pods (no weights: 1 each), port from container_port.
            assertThat(seen).containsExactlyInAnyOrder("10.0.0.1:5520", "10.0.0.2:5520");

            cluster.client.pods().inNamespace("games").withName("realm-1").delete();
            Await.until("the deleted pod is no longer chosen", () -> r.server.discovery().states().get(0).backends() == 1);
            for (int i = 0; i < 5; i++) {
                assertThat(r.run("realm.example.com").answer().host()).isEqualTo("10.0.0.2");
            }
            r.assertNothingLeaks();
        }
    }

    @Test
    void allocateFixtureRefersEachClientToItsOwnAllocatedServerOrAnswersDiscoveryError() throws Exception {
        cluster.allocations.add(Allocation.allocated("203.0.113.10", 7777));
        cluster.allocations.add(Allocation.unallocated());
        cluster.allocations.add(Allocation.error(503));
        try (TestRouter r = router("agones-allocate.yaml")) {
            ServerAnswer first = r.run("realm.example.com").answer();
            assertThat(first.isReferral()).as("answer %s", first).isTrue();
            assertThat(first.host()).isEqualTo("203.0.113.10");
            assertThat(first.port()).isEqualTo(7777);
            // No GameServer free, then an API error: each client is told to try again.
            assertThat(r.run("realm.example.com").answer().reason()).isEqualTo(DISCOVERY_ERROR);
            assertThat(r.run("realm.example.com").answer().reason()).isEqualTo(DISCOVERY_ERROR);
            assertThat(cluster.allocationRequests).hasSize(3);
            assertThat(cluster.allocationRequests.get(0).spec()).containsEntry("gameServerState", "Ready");
            assertThat(r.server.discovery().states().get(0).errors()).isEqualTo(2);
            r.assertNothingLeaks();
        }
    }

    @Test
    void observeFixtureSortsByThePlayerCounterAndAPoolWithNothingDiscoveredAnswersNoBackends() throws Exception {
        var gs = cluster.client.genericKubernetesResources(AgonesProvider.GAME_SERVERS);
        try (TestRouter r = router("agones-observe.yaml")) {
            // Synced, but nothing there: prefer mode with no static backends leaves none.
            assertThat(r.run("realm.example.com").answer().reason()).isEqualTo("The server is full or restarting. Please try again in a moment.");
            Map<String, String> labels = Map.of("agones.dev/fleet", "realm");
            Map<String, String> ann = Map.of("hyrouter/route", "yes");
            for (int i = 1; i <= 3; i++) {
                gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-" + i, labels, ann, Map.of("state", "Ready",
                        "address", "10.5.0." + i, "ports", List.of(Map.of("name", "game", "port", 7000 + i)),
                        "counters", Map.of("players", Map.of("count", i * 10, "capacity", 100))))).create();
            }
            Await.until("three GameServers observed", () -> r.server.discovery().states().get(0).backends() == 3);
            List<String> seen = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ServerAnswer a = r.run("realm.example.com").answer();
                assertThat(a.isReferral()).as("answer %s", a).isTrue();
                seen.add(a.host());
            }
            // Sorted by players desc (30, 20, 10), limit 5, round robin: each answer is the next of that order.
            List<String> byPlayersDesc = List.of("10.5.0.3", "10.5.0.2", "10.5.0.1");
            assertThat(seen).allMatch(byPlayersDesc::contains);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(byPlayersDesc.indexOf(seen.get(i))).as("answer %d after %s: %s", i, seen.get(i - 1), seen)
                        .isEqualTo((byPlayersDesc.indexOf(seen.get(i - 1)) + 1) % 3);
            }
            r.assertNothingLeaks();
        }
    }

    @Test
    void aProviderThatNeverSyncsAnswersDiscoveryErrorAndTheStaticPoolsStillServe() throws Exception {
        String text = Fixtures.config("kubernetes-endpointslices.yaml")
                .replace("kubeconfig: \"\"", "kubeconfig: \"" + dir.resolve("missing-cluster") + "\"");
        java.nio.file.Files.writeString(dir.resolve("missing-cluster"), java.nio.file.Files.readString(cluster.kubeconfig)
                .replace(cluster.client.getMasterUrl().toString(), "http://127.0.0.1:1/"));
        // Keep the start-up wait short: the point is what clients get while it has not synced.
        text = text.replaceFirst("(?m)^discovery:\n", "discovery:\n  sync_timeout: 200ms\n");
        // A pool with static backends only, beside the discovered one.
        text = text.replaceFirst("(?m)^  routes:\n", "  routes:\n    - match: {hostname: lobby.example.com}\n"
                + "      pool: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}\n");
        try (TestRouter r = TestRouter.startConfigFile(text, dir.resolve("slices.yaml").toString())) {
            assertThat(r.server.discovery().synced()).isFalse();
            assertThat(r.run("realm.example.com").answer().reason()).isEqualTo(DISCOVERY_ERROR);
            ServerAnswer lobby = r.run("lobby.example.com").answer();
            assertThat(lobby.isReferral()).as("the static pool answers %s", lobby).isTrue();
            assertThat(lobby.host()).isEqualTo("lobby.internal");
            r.assertNothingLeaks();
        }
    }
}
