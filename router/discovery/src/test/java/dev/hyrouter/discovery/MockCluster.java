package dev.hyrouter.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Kubernetes API server in-process: fabric8's mock server in CRUD mode (Pods,
 * EndpointSlices, and Agones GameServers once their definition is known), plus the Agones
 * allocation endpoint answered the way Agones answers it: {@code POST gameserverallocations}
 * returns the allocation with {@code status.state} {@code Allocated} and the GameServer's address
 * and ports, or {@code UnAllocated} with none. Tests script each answer ({@link #allocations})
 * and read what the router sent ({@link #allocationRequests}).
 */
final class MockCluster implements AutoCloseable {
    static final CustomResourceDefinitionContext GAME_SERVERS = new CustomResourceDefinitionContext.Builder()
            .withGroup("agones.dev").withVersion("v1").withKind("GameServer").withPlural("gameservers").withScope("Namespaced").build();
    private static final Pattern ALLOCATE = Pattern.compile("/apis/allocation\\.agones\\.dev/v1/namespaces/([^/]+)/gameserverallocations.*");

    /** One scripted answer to an allocation. */
    record Allocation(int httpStatus, String state, String address, List<Map<String, Object>> ports, Duration delay) {
        static Allocation allocated(String address, int port) {
            return allocated(address, "game", port);
        }

        static Allocation allocated(String address, String portName, int port) {
            return new Allocation(201, "Allocated", address, List.of(Map.of("name", portName, "port", port)), Duration.ZERO);
        }

        static Allocation unallocated() {
            return new Allocation(201, "UnAllocated", "", List.of(), Duration.ZERO);
        }

        static Allocation error(int httpStatus) {
            return new Allocation(httpStatus, "", "", List.of(), Duration.ZERO);
        }

        Allocation after(Duration d) {
            return new Allocation(httpStatus, state, address, ports, d);
        }
    }

    /** What the router sent: the namespace, the time it arrived, and the allocation's body. */
    record AllocationRequest(String namespace, long nanoTime, GenericKubernetesResource body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec() {
            return (Map<String, Object>) body.getAdditionalProperties().get("spec");
        }
    }

    final ConcurrentLinkedQueue<Allocation> allocations = new ConcurrentLinkedQueue<>();
    /** How many of the next list requests (GETs that are not watches) fail with 500, as an API server in trouble answers. */
    final java.util.concurrent.atomic.AtomicInteger failingLists = new java.util.concurrent.atomic.AtomicInteger();
    /** List requests answered with a scripted failure so far. */
    final java.util.concurrent.atomic.AtomicInteger failedLists = new java.util.concurrent.atomic.AtomicInteger();
    final List<AllocationRequest> allocationRequests = new CopyOnWriteArrayList<>();
    private final KubernetesMockServer server;
    final NamespacedKubernetesClient client;
    final Path kubeconfig;
    private int allocated;

    MockCluster(Path dir) throws IOException {
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of(GAME_SERVERS));
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Matcher m = ALLOCATE.matcher(request.getPath());
                if ("POST".equals(request.getMethod()) && m.matches()) {
                    return allocate(m.group(1), request);
                }
                if ("GET".equals(request.getMethod()) && !request.getPath().contains("watch=true")
                        && failingLists.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    failedLists.incrementAndGet();
                    return new MockResponse().setResponseCode(500).setBody(
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"scripted failure\",\"code\":500}");
                }
                return crud.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        client = server.createClient();
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: %s
                contexts:
                  - name: mock
                    context:
                      cluster: mock
                      user: mock
                current-context: mock
                users:
                  - name: mock
                    user:
                      token: not-a-secret
                """.formatted(client.getMasterUrl().toString()), StandardCharsets.UTF_8);
    }

    private MockResponse allocate(String namespace, RecordedRequest request) {
        GenericKubernetesResource body = Serialization.unmarshal(request.getUtf8Body(), GenericKubernetesResource.class);
        allocationRequests.add(new AllocationRequest(namespace, System.nanoTime(), body));
        Allocation a = allocations.poll();
        if (a == null) {
            a = Allocation.unallocated();
        }
        if (!a.delay().isZero()) {
            try {
                Thread.sleep(a.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (a.httpStatus() >= 400) {
            return new MockResponse().setResponseCode(a.httpStatus())
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"scripted failure\",\"code\":"
                            + a.httpStatus() + "}");
        }
        synchronized (this) {
            allocated++;
            body.getMetadata().setName("hyrouter-" + allocated);
        }
        body.getMetadata().setNamespace(namespace);
        Map<String, Object> status = new HashMap<>();
        status.put("state", a.state());
        if (!a.address().isEmpty()) {
            status.put("address", a.address());
            status.put("ports", a.ports());
            status.put("gameServerName", "gs-" + allocated);
        }
        body.setAdditionalProperty("status", status);
        return new MockResponse().setResponseCode(a.httpStatus()).setBody(Serialization.asJson(body));
    }

    /** A GameServer resource (Agones' shape) for the CRUD store. */
    static GenericKubernetesResource gameServer(String namespace, String name, Map<String, String> labels, Map<String, String> annotations,
            Map<String, Object> status) {
        GenericKubernetesResource gs = new GenericKubernetesResource();
        gs.setApiVersion("agones.dev/v1");
        gs.setKind("GameServer");
        gs.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace).withName(name)
                .withLabels(labels).withAnnotations(annotations).build());
        gs.setAdditionalProperty("status", status);
        return gs;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
