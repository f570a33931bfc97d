package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.SnapshotProvider;
import dev.hyrouter.discovery.selector.LabelSelector;
import dev.hyrouter.config.DiscoveryConfig;
import dev.hyrouter.routing.Backend;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: kubernetes}: backends from Pods and EndpointSlices, watched with fabric8
 * informers, with the original's rules for selectors, readiness, phases, ports, metadata and
 * weights. Informers watch only the namespaces configured (all namespaces when none are), and
 * only the kinds the resources name, so RBAC can be exactly that wide. Backends are ordered by
 * namespace and name, so the snapshot does not change with the order events arrive in.
 */
final class KubernetesProvider extends SnapshotProvider {
    private static final String ANY = "";

    private record Resource(String kind, String serviceName, String serviceNamespace, LabelSelector labels, String annotations,
            String portName, int portNumber, int containerPort) {
    }

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final List<Resource> resources = new ArrayList<>();
    private final boolean requirePodReady;
    private final List<String> requirePodPhase;
    private final boolean requireEndpointReady;
    private final List<String> includeLabels;
    private final List<String> includeAnnotations;
    private final InformerSet informers;

    KubernetesProvider(DiscoveryConfig.Provider config, KubernetesClient client) {
        super(config);
        this.client = client;
        Map<String, Object> s = config.settings();
        this.namespaces = distinct(Meta.strings(s, "namespaces"));
        for (Object o : (List<?>) s.getOrDefault("resources", List.of())) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) o;
            Map<String, Object> sel = Meta.map(r, "selector");
            Map<String, Object> svc = Meta.map(r, "service");
            Map<String, Object> port = Meta.map(r, "port");
            resources.add(new Resource(Meta.string(r, "kind").toLowerCase(Locale.ROOT), Meta.string(svc, "name"),
                    Meta.string(svc, "namespace"), LabelSelector.parse(Meta.string(sel, "labels")), Meta.string(sel, "annotations"),
                    Meta.string(port, "name"), Meta.integer(port, "number"), Meta.integer(port, "container_port")));
        }
        Map<String, Object> filters = Meta.map(s, "filters");
        this.requirePodReady = Meta.bool(filters, "require_pod_ready");
        this.requirePodPhase = Meta.strings(filters, "require_pod_phase");
        this.requireEndpointReady = Meta.bool(filters, "require_endpoint_ready");
        Map<String, Object> metadata = Meta.map(s, "metadata");
        this.includeLabels = Meta.strings(metadata, "include_labels");
        this.includeAnnotations = Meta.strings(metadata, "include_annotations");
        this.informers = new InformerSet(config.name(), this::rebuild, this::failed);

        Set<String> podNamespaces = new LinkedHashSet<>();
        Set<String> sliceNamespaces = new LinkedHashSet<>();
        for (Resource r : resources) {
            if (isPods(r.kind)) {
                podNamespaces.addAll(namespaces.isEmpty() ? List.of(ANY) : namespaces);
            } else if (isSlices(r.kind)) {
                sliceNamespaces.addAll(!r.serviceNamespace.isEmpty() ? List.of(r.serviceNamespace)
                        : namespaces.isEmpty() ? List.of(ANY) : namespaces);
            }
        }
        // A watch of every namespace already holds the single-namespace ones.
        for (String ns : collapse(podNamespaces)) {
            informers.add(() -> ns.equals(ANY) ? client.pods().inAnyNamespace().runnableInformer(0)
                    : client.pods().inNamespace(ns).runnableInformer(0));
        }
        for (String ns : collapse(sliceNamespaces)) {
            informers.add(() -> ns.equals(ANY) ? client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0)
                    : client.discovery().v1().endpointSlices().inNamespace(ns).runnableInformer(0));
        }
    }

    @Override
    public void start() {
        informers.start();
    }

    private void rebuild() {
        List<Pod> pods = informers.items(Pod.class);
        List<EndpointSlice> slices = informers.items(EndpointSlice.class);
        List<Backend> out = new ArrayList<>();
        for (Resource r : resources) {
            if (isPods(r.kind)) {
                for (Pod pod : pods) {
                    if (inNamespaces(pod.getMetadata().getNamespace(), namespaces) && r.labels.matches(pod.getMetadata().getLabels())
                            && podAllowed(pod, r)) {
                        Backend b = podBackend(pod, r);
                        if (b != null) {
                            out.add(b);
                        }
                    }
                }
            } else if (isSlices(r.kind)) {
                List<String> nsList = !r.serviceNamespace.isEmpty() ? List.of(r.serviceNamespace) : namespaces;
                for (EndpointSlice es : slices) {
                    if (inNamespaces(es.getMetadata().getNamespace(), nsList)) {
                        sliceBackends(es, r, out);
                    }
                }
            }
        }
        publish(out);
    }

    private boolean podAllowed(Pod pod, Resource r) {
        if (pod.getStatus() == null || isEmpty(pod.getStatus().getPodIP())) {
            return false;
        }
        if (!requirePodPhase.isEmpty() && requirePodPhase.stream().noneMatch(ph -> ph.equalsIgnoreCase(pod.getStatus().getPhase()))) {
            return false;
        }
        if (requirePodReady && !podReady(pod)) {
            return false;
        }
        return Meta.annotationsMatch(pod.getMetadata().getAnnotations(), r.annotations);
    }

    private static boolean podReady(Pod pod) {
        if (pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private Backend podBackend(Pod pod, Resource r) {
        int port = podPort(pod, r);
        if (port <= 0) {
            return null;
        }
        Map<String, String> labels = pod.getMetadata().getLabels();
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        Map<String, String> meta = new LinkedHashMap<>();
        Meta.identity(meta, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getSpec() == null ? "" : pod.getSpec().getNodeName());
        Meta.include(meta, labels, annotations, includeLabels, includeAnnotations);
        return new Backend(pod.getStatus().getPodIP(), port, Meta.weight(labels, annotations), meta);
    }

    private static int podPort(Pod pod, Resource r) {
        if (r.containerPort > 0) {
            return r.containerPort;
        }
        if (r.portNumber > 0) {
            return r.portNumber;
        }
        if (r.portName.isEmpty() || pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return 0;
        }
        for (Container c : pod.getSpec().getContainers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (r.portName.equals(p.getName()) && p.getContainerPort() != null && p.getContainerPort() > 0) {
                    return p.getContainerPort();
                }
            }
        }
        return 0;
    }

    private void sliceBackends(EndpointSlice es, Resource r, List<Backend> out) {
        Map<String, String> labels = es.getMetadata().getLabels();
        Map<String, String> annotations = es.getMetadata().getAnnotations();
        if (!r.labels.matches(labels) || !Meta.annotationsMatch(annotations, r.annotations)) {
            return;
        }
        if (!r.serviceName.isEmpty() && (labels == null || !r.serviceName.equals(labels.get("kubernetes.io/service-name")))) {
            return;
        }
        int port = slicePort(es, r);
        if (port <= 0 || es.getEndpoints() == null) {
            return;
        }
        int weight = Meta.weight(labels, annotations);
        for (Endpoint ep : es.getEndpoints()) {
            if (requireEndpointReady && ep.getConditions() != null && Boolean.FALSE.equals(ep.getConditions().getReady())) {
                continue;
            }
            for (String addr : ep.getAddresses() == null ? List.<String>of() : ep.getAddresses()) {
                Map<String, String> meta = new LinkedHashMap<>();
                Meta.identity(meta, es.getMetadata().getNamespace(), es.getMetadata().getName(), "");
                Meta.include(meta, labels, annotations, includeLabels, includeAnnotations);
                out.add(new Backend(addr, port, weight, meta));
            }
        }
    }

    private static int slicePort(EndpointSlice es, Resource r) {
        if (r.portNumber > 0) {
            return r.portNumber;
        }
        List<EndpointPort> ports = es.getPorts() == null ? List.of() : es.getPorts();
        if (!r.portName.isEmpty()) {
            for (EndpointPort p : ports) {
                if (r.portName.equals(p.getName()) && p.getPort() != null) {
                    return p.getPort();
                }
            }
        }
        // As the original: with no match by name, the first port that has a number.
        for (EndpointPort p : ports) {
            if (p.getPort() != null) {
                return p.getPort();
            }
        }
        return 0;
    }

    private static boolean isPods(String kind) {
        return kind.equals("pods") || kind.equals("pod");
    }

    private static boolean isSlices(String kind) {
        return kind.equals("endpointslices") || kind.equals("endpointslice");
    }

    private static boolean inNamespaces(String ns, List<String> allowed) {
        return allowed.isEmpty() || allowed.contains(ns);
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    static List<String> distinct(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null && !v.trim().isEmpty()) {
                out.add(v.trim());
            }
        }
        return List.copyOf(out);
    }

    private static Set<String> collapse(Set<String> namespaces) {
        return namespaces.contains(ANY) ? Set.of(ANY) : namespaces;
    }

    @Override
    public void close() {
        informers.close();
        client.close();
    }
}
