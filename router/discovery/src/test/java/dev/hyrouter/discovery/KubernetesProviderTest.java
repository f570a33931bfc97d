package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.DiscoveryProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import dev.hyrouter.testing.Await;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes provider against a real API server (fabric8's mock server in CRUD mode): Pods and EndpointSlices come and go. */
class KubernetesProviderTest extends ClusterProviderTest {
    private DiscoveryProvider start(String settings) throws Exception {
        return start(cluster.kubeconfig, settings);
    }

    private DiscoveryProvider start(Path kubeconfig, String settings) throws Exception {
        return start(new Providers.Kubernetes(), "cluster", kubeconfig, settings);
    }

    private static Pod pod(String ns, String name, String ip, Map<String, String> labels, Map<String, String> annotations, String phase,
            boolean ready) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName("node-" + name).addNewContainer().withName("game").addNewPort().withName("game")
                .withContainerPort(5521).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).withPhase(phase).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus().build();
    }

    @Test
    void podsThatMatchEveryRuleAppearAndLeaveAsTheyChange() throws Exception {
        start("""
                        namespaces: [games]
                        resources:
                          - kind: pods
                            selector:
                              labels: "app=realm,region in (eu,us),!canary"
                              annotations: "hyrouter/route=yes"
                            port:
                              name: game
                        filters:
                          require_pod_ready: true
                          require_pod_phase: [Running]
                        metadata:
                          include_labels: [region]
                          include_annotations: [hyrouter/weight]
                """);
        Map<String, String> ok = Map.of("hyrouter/route", "yes", "hyrouter/weight", "3");
        var pods = cluster.client.pods();
        pods.resource(pod("games", "eu-1", "10.0.0.1", Map.of("app", "realm", "region", "eu"), ok, "Running", true)).create();
        pods.resource(pod("games", "us-1", "10.0.0.2", Map.of("app", "realm", "region", "us"), Map.of("hyrouter/route", "yes"), "Running", true))
                .create();
        // Each of these breaks exactly one rule.
        pods.resource(pod("games", "ap-1", "10.0.0.3", Map.of("app", "realm", "region", "ap"), ok, "Running", true)).create();
        pods.resource(pod("games", "canary", "10.0.0.4", Map.of("app", "realm", "region", "eu", "canary", "1"), ok, "Running", true)).create();
        pods.resource(pod("games", "unready", "10.0.0.5", Map.of("app", "realm", "region", "eu"), ok, "Running", false)).create();
        pods.resource(pod("games", "pending", "10.0.0.6", Map.of("app", "realm", "region", "eu"), ok, "Pending", true)).create();
        pods.resource(pod("games", "unannotated", "10.0.0.7", Map.of("app", "realm", "region", "eu"), Map.of(), "Running", true)).create();
        pods.resource(pod("games", "no-ip", "", Map.of("app", "realm", "region", "eu"), ok, "Running", true)).create();
        pods.resource(pod("elsewhere", "other-ns", "10.0.0.8", Map.of("app", "realm", "region", "eu"), ok, "Running", true)).create();

        provider.firstSync().get(30, java.util.concurrent.TimeUnit.SECONDS);
        Await.until("the two matching pods", () -> hosts().equals(Set.of("10.0.0.1:5521", "10.0.0.2:5521")));
        Backend eu = provider.snapshot().stream().filter(b -> b.host().equals("10.0.0.1")).findFirst().orElseThrow();
        assertThat(eu.weight()).isEqualTo(3);
        assertThat(eu.meta()).containsExactlyInAnyOrderEntriesOf(Map.of("k8s.namespace", "games", "k8s.name", "eu-1", "k8s.node", "node-eu-1",
                "label.region", "eu", "annotation.hyrouter/weight", "3"));

        pods.inNamespace("games").resource(pod("games", "us-1", "10.0.0.2", Map.of("app", "realm", "region", "us"),
                Map.of("hyrouter/route", "yes"), "Running", false)).update();
        Await.until("the pod that turned unready leaves", () -> hosts().equals(Set.of("10.0.0.1:5521")));
        pods.inNamespace("games").withName("eu-1").delete();
        Await.until("the deleted pod leaves", () -> hosts().isEmpty());
        assertThat(provider.state().synced()).isTrue();
    }

    @Test
    void endpointSlicesOfTheServiceGiveReadyAddressesOnTheNamedPort() throws Exception {
        start("""
                        namespaces: [games]
                        resources:
                          - kind: endpointslices
                            service:
                              name: realm
                              namespace: games
                            port:
                              name: game
                        filters:
                          require_endpoint_ready: true
                        metadata:
                          include_labels: [zone]
                """);
        EndpointSlice realm = new EndpointSliceBuilder().withNewMetadata().withNamespace("games").withName("realm-abc")
                .withLabels(Map.of("kubernetes.io/service-name", "realm", "zone", "a", "hyrouter/weight", "2")).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("metrics").withPort(9100).endPort()
                .addNewPort().withName("game").withPort(5520).endPort()
                .addNewEndpoint().withAddresses("10.1.0.1", "10.1.0.2").withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.3").withNewConditions().withReady(false).endConditions().endEndpoint()
                // No readiness reported counts as ready, as in the original.
                .addNewEndpoint().withAddresses("10.1.0.4").endEndpoint()
                .build();
        EndpointSlice other = new EndpointSliceBuilder().withNewMetadata().withNamespace("games").withName("lobby-xyz")
                .withLabels(Map.of("kubernetes.io/service-name", "lobby")).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("game").withPort(5520).endPort()
                .addNewEndpoint().withAddresses("10.2.0.1").endEndpoint().build();
        cluster.client.discovery().v1().endpointSlices().resource(realm).create();
        cluster.client.discovery().v1().endpointSlices().resource(other).create();

        Await.until("the ready endpoints of service realm", () -> hosts().equals(Set.of("10.1.0.1:5520", "10.1.0.2:5520", "10.1.0.4:5520")));
        List<Backend> all = provider.snapshot();
        assertThat(all).allSatisfy(b -> {
            assertThat(b.weight()).isEqualTo(2);
            assertThat(b.meta()).containsEntry("k8s.namespace", "games").containsEntry("k8s.name", "realm-abc").containsEntry("label.zone", "a");
        });
        // The same list object while nothing changes: pools cache what they merge from it.
        Thread.sleep(200);
        assertThat(provider.snapshot()).isSameAs(all);
    }

    @Test
    void aProviderThatCannotReachItsApiServerAnswersNotSyncedAndCountsTheFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path unreachable = Files.writeString(dir.resolve("unreachable"), Files.readString(cluster.kubeconfig)
                .replace(cluster.client.getMasterUrl().toString(), "http://127.0.0.1:" + closedPort + "/"));
        start(unreachable, """
                        resources:
                          - kind: pods
                            port:
                              number: 5520
                """);
        assertThatThrownBy(provider::snapshot).isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("discovery provider cluster has not synced yet");
        Await.until("the failed start is counted", () -> provider.state().errors() > 0);
        assertThat(provider.state().synced()).isFalse();
        assertThat(provider.state().token()).startsWith("cluster=unsynced:0:errors=");
    }

    /**
     * The API server answers the informers' first list with an error: the provider counts the
     * failure, stays unsynced (pools with it answer discovery_error), stops its informers and
     * starts them again after the back-off, and then serves what the cluster holds.
     */
    @Test
    void informersThatFailAgainstTheApiServerAreRestartedAndSync() throws Exception {
        cluster.client.pods().resource(pod("games", "eu-1", "10.0.0.1", Map.of("app", "realm"), Map.of(), "Running", true)).create();
        cluster.failingLists.set(1);
        start("""
                        namespaces: [games]
                        resources:
                          - kind: pods
                            selector:
                              labels: "app=realm"
                            port:
                              number: 5521
                """);
        Await.until("the failed list is counted", () -> provider.state().errors() > 0);
        assertThat(cluster.failedLists.get()).isEqualTo(1);
        assertThat(provider.state().synced()).isFalse();
        assertThat(provider.state().lastError()).isNotEmpty();
        assertThatThrownBy(provider::snapshot).isInstanceOf(DiscoveryException.class);

        provider.firstSync().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(provider.state().synced()).isTrue();
        Await.until("the pod served after the restart", () -> hosts().equals(Set.of("10.0.0.1:5521")));
        // The restarted informers watch: a change after the restart arrives.
        cluster.client.pods().resource(pod("games", "eu-2", "10.0.0.2", Map.of("app", "realm"), Map.of(), "Running", true)).create();
        Await.until("a pod added after the restart", () -> hosts().equals(Set.of("10.0.0.1:5521", "10.0.0.2:5521")));
    }

    @Test
    void anUnreadableKubeconfigIsNamedWhenTheProviderIsCreated() {
        assertThatThrownBy(() -> new Providers.Kubernetes().create(Configs.provider("""
                  providers:
                    - name: cluster
                      type: kubernetes
                      kubernetes:
                        kubeconfig: "/nonexistent/kubeconfig"
                        resources:
                          - kind: pods
                """))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("kubeconfig /nonexistent/kubeconfig cannot be read");
    }
}
