package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.DiscoveryProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.discovery.MockCluster.Allocation;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import dev.hyrouter.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Agones provider against a real API server: GameServers observed, and GameServerAllocations made per connection. */
class AgonesProviderTest extends ClusterProviderTest {
    private DiscoveryProvider start(String settings) throws Exception {
        return start(new Providers.Agones(), "fleet", cluster.kubeconfig, settings);
    }

    private static Map<String, Object> status(String state, String address, int port) {
        return Map.of("state", state, "address", address,
                "addresses", List.of(Map.of("type", "InternalIP", "address", "10.9.0.1"), Map.of("type", "ExternalDNS", "address", address + ".dns")),
                "ports", List.of(Map.of("name", "metrics", "port", 9100), Map.of("name", "game", "port", port)));
    }

    @Test
    void observedGameServersInTheConfiguredStatesWithCountersListsAddressAndPort() throws Exception {
        start("""
                        namespaces: [games]
                        state: [Ready, Allocated]
                        selector:
                          labels: "agones.dev/fleet=realm"
                          annotations: "hyrouter/route=yes"
                        metadata:
                          include_labels: [agones.dev/fleet]
                        address:
                          source: addresses
                          preference: [ExternalDNS]
                        port:
                          name: game
                """);
        Map<String, String> fleet = Map.of("agones.dev/fleet", "realm", "hyrouter/weight", "4");
        Map<String, String> route = Map.of("hyrouter/route", "yes");
        var gs = cluster.client.genericKubernetesResources(AgonesProvider.GAME_SERVERS);
        Map<String, Object> ready = new java.util.HashMap<>(status("Ready", "gs-a", 7001));
        ready.put("counters", Map.of("players", Map.of("count", 3, "capacity", 10)));
        ready.put("lists", Map.of("party", Map.of("values", List.of("a<b", "c\"d"), "capacity", 8)));
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-a", fleet, route, ready)).create();
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-b", fleet, route, status("Allocated", "gs-b", 7002))).create();
        // Each of these breaks exactly one rule.
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-shutdown", fleet, route, status("Shutdown", "gs-c", 7003))).create();
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-scheduled", fleet, route, status("Scheduled", "gs-d", 7004))).create();
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-other-fleet", Map.of("agones.dev/fleet", "lobby"), route,
                status("Ready", "gs-e", 7005))).create();
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-unannotated", fleet, Map.of(), status("Ready", "gs-f", 7006))).create();
        gs.inNamespace("elsewhere").resource(MockCluster.gameServer("elsewhere", "gs-other-ns", fleet, route, status("Ready", "gs-g", 7007))).create();

        Await.until("the two GameServers in Ready and Allocated", () -> hosts().equals(Set.of("gs-a.dns:7001", "gs-b.dns:7002")));
        Backend a = provider.snapshot().stream().filter(b -> b.port() == 7001).findFirst().orElseThrow();
        assertThat(a.weight()).isEqualTo(4);
        assertThat(a.meta()).containsEntry("k8s.namespace", "games").containsEntry("k8s.name", "gs-a")
                .containsEntry("gameserver.state", "Ready").containsEntry("label.hyrouter/weight", "4")
                .containsEntry("label.agones.dev/fleet", "realm")
                .containsEntry("counter.players.count", "3").containsEntry("counter.players.capacity", "10")
                // Go's encoding/json escapes <, > and & in strings.
                .containsEntry("list.party.values", "[\"a\\u003cb\",\"c\\\"d\"]").containsEntry("list.party.capacity", "8");

        // A Ready server that becomes Shutdown leaves the snapshot.
        gs.inNamespace("games").resource(MockCluster.gameServer("games", "gs-a", fleet, route, status("Shutdown", "gs-a", 7001))).update();
        Await.until("the shut down GameServer leaves", () -> hosts().equals(Set.of("gs-b.dns:7002")));
    }

    private DiscoveryProvider allocator(String interval, String timeout) throws Exception {
        return start("""
                        namespaces: [games]
                        mode: allocate
                        allocate_min_interval: %s
                        allocate_timeout: %s
                        state: [Ready]
                        selector:
                          labels: "agones.dev/fleet=realm,tier in (a,b)"
                        port:
                          name: game
                """.formatted(interval, timeout));
    }

    private static List<Backend> get(CompletableFuture<List<Backend>> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<List<Backend>> f) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void anAllocationAsksForAReadyServerOfTheFleetAndRefersToWhatAgonesReturns() throws Exception {
        allocator("0s", "10s");
        assertThat(provider.allocates()).isTrue();
        cluster.allocations.add(Allocation.allocated("203.0.113.7", 7777));
        List<Backend> got = get(provider.allocate());
        assertThat(got).hasSize(1);
        assertThat(got.get(0).host()).isEqualTo("203.0.113.7");
        assertThat(got.get(0).port()).isEqualTo(7777);
        assertThat(got.get(0).meta()).containsEntry("k8s.namespace", "games").containsEntry("k8s.name", "hyrouter-1");
        MockCluster.AllocationRequest sent = cluster.allocationRequests.get(0);
        assertThat(sent.namespace()).isEqualTo("games");
        assertThat(sent.body().getMetadata().getGenerateName()).isEqualTo("hyrouter-");
        // Only key=value pairs become matchLabels, as the original builds them.
        assertThat(sent.spec()).containsEntry("gameServerState", "Ready").containsEntry("required", Map.of("matchLabels", Map.of("agones.dev/fleet", "realm")));
        assertThat(provider.state().backends()).isEqualTo(1);
    }

    @Test
    void concurrentAllocationsAllGoThroughTheThrottle() throws Exception {
        allocator("50ms", "30s");
        List<CompletableFuture<List<Backend>>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cluster.allocations.add(Allocation.allocated("203.0.113." + i, 7000 + i));
            all.add(provider.allocate());
        }
        Set<String> got = new java.util.HashSet<>();
        for (CompletableFuture<List<Backend>> f : all) {
            got.add(get(f).get(0).host());
        }
        assertThat(got).containsExactlyInAnyOrder("203.0.113.0", "203.0.113.1", "203.0.113.2", "203.0.113.3");
        assertThat(cluster.allocationRequests).hasSize(4);
        // How far apart they go is asserted with given clock values in the next test: arrival times at
        // the API server carry the HTTP client's own delays, so they cannot show the spacing reliably.
    }

    @Test
    void theThrottleHandsOutOneSlotPerIntervalAndRefusesSlotsPastTheTimeout() throws Exception {
        // 150 ms apart, at most 500 ms ahead; clock values given, so nothing here depends on timing.
        AgonesProvider p = (AgonesProvider) allocator("150ms", "500ms");
        long now = 1_000_000_000L;
        long ms = 1_000_000L;
        assertThat(p.reserveSlot(now)).isZero();
        assertThat(p.reserveSlot(now)).isEqualTo(150 * ms);
        assertThat(p.reserveSlot(now + 10 * ms)).isEqualTo(290 * ms);
        assertThat(p.reserveSlot(now + 10 * ms)).isEqualTo(440 * ms);
        // The next slot (600 ms from now) is past the 500 ms timeout: refused, and nothing is taken.
        assertThat(p.reserveSlot(now)).isEqualTo(-1);
        assertThat(p.reserveSlot(now + 110 * ms)).isEqualTo(490 * ms);
        // Long after the last slot, the throttle is idle again.
        assertThat(p.reserveSlot(now + 10_000 * ms)).isZero();
    }

    @Test
    void aSlotFurtherAwayThanTheTimeoutFailsAtOnceWithoutCallingTheApi() throws Exception {
        allocator("1h", "30s");
        cluster.allocations.add(Allocation.allocated("203.0.113.1", 7001));
        assertThat(get(provider.allocate())).hasSize(1);
        Throwable t = failureOf(provider.allocate());
        assertThat(t).isInstanceOf(DiscoveryException.class).hasMessageContaining("allocation throttled");
        assertThat(cluster.allocationRequests).hasSize(1);
        assertThat(provider.state().errors()).isEqualTo(1);
    }

    @Test
    void unallocatedErrorsAndSlowAnswersFailTheAllocation() throws Exception {
        // A deadline no quick answer can miss, however busy the machine.
        allocator("0s", "10s");
        cluster.allocations.add(Allocation.unallocated());
        assertThat(failureOf(provider.allocate())).isInstanceOf(DiscoveryException.class)
                .hasMessage("allocation returned empty address/port (state UnAllocated)");
        cluster.allocations.add(Allocation.error(500));
        assertThat(failureOf(provider.allocate())).isInstanceOf(DiscoveryException.class).hasMessageStartingWith("allocation failed: ")
                .hasMessageContaining("scripted failure");
        assertThat(provider.state().errors()).isEqualTo(2);
        provider.close();

        // The answer comes 4 s after the request, past a 1 s deadline: only the deadline can end the call.
        allocator("0s", "1s");
        cluster.allocations.add(Allocation.allocated("203.0.113.9", 7009).after(Duration.ofSeconds(4)));
        assertThat(failureOf(provider.allocate())).isInstanceOf(DiscoveryException.class)
                .hasMessage("allocation timed out after 1000 ms (allocate_timeout)");
        // No retry of a failed allocation inside the client: one request each.
        Await.until("the slow allocation reached the server", () -> cluster.allocationRequests.size() == 3);
        assertThat(provider.state().errors()).isEqualTo(1);
    }
}
