package dev.hyrouter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes manifests under {@code router/deploy/kubernetes}, checked offline against the
 * API schemas as fabric8's model classes know them: every document parses into its typed class
 * with no field the schema lacks (a typo would land in "additional properties"), the pieces refer
 * to each other correctly, every file a kustomization names exists, and each overlay's router
 * config loads without a warning.
 */
class DeploymentManifestsTest {
    private static final Path DEPLOY = Path.of("../deploy/kubernetes");
    @TempDir
    Path tmp;

    private static List<HasMetadata> resources(Path file) throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            try (InputStream in = new java.io.ByteArrayInputStream(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                KubernetesResource r = Serialization.unmarshal(in);
                assertThat(r).as(file + ": a known Kubernetes kind").isInstanceOf(HasMetadata.class).isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(unknownFields(r, r.getClass().getSimpleName())).as(file + ": fields the schema does not have").isEmpty();
                out.add((HasMetadata) r);
            }
        }
        return out;
    }

    /** Paths of every non-empty "additional properties" map in a model object tree. */
    private static List<String> unknownFields(Object o, String path) throws Exception {
        List<String> out = new ArrayList<>();
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum) {
            return out;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                out.addAll(unknownFields(e, path + "[" + i++ + "]"));
            }
            return out;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.addAll(unknownFields(e.getValue(), path + "." + e.getKey()));
            }
            return out;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return out;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || !g.getName().startsWith("get") || g.getName().equals("getClass")) {
                continue;
            }
            Object v = g.invoke(o);
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + " " + extra.keySet());
                }
                continue;
            }
            out.addAll(unknownFields(v, path + "." + g.getName().substring(3)));
        }
        return out;
    }

    private static <T> T only(List<HasMetadata> all, Class<T> type) {
        List<T> of = all.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(of).as(type.getSimpleName()).hasSize(1);
        return of.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kustomization(Path dir) throws Exception {
        Path k = dir.resolve("kustomization.yaml");
        Map<String, Object> m = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(k));
        for (Object r : (List<Object>) m.getOrDefault("resources", List.of())) {
            assertThat(dir.resolve(r.toString())).as(k + " names " + r).exists();
        }
        for (Object g : (List<Object>) m.getOrDefault("configMapGenerator", List.of())) {
            for (Object f : (List<Object>) ((Map<String, Object>) g).get("files")) {
                assertThat(dir.resolve(f.toString())).as(k + " generates from " + f).exists();
            }
        }
        return m;
    }

    private List<HasMetadata> overlay(String name) throws Exception {
        Path dir = DEPLOY.resolve("overlays").resolve(name);
        kustomization(dir);
        kustomization(DEPLOY.resolve("base"));
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(DEPLOY.resolve("base")), Files.list(dir))) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".yaml") && !n.equals("kustomization.yaml") && !n.equals("hyrouter.yaml")) {
                    all.addAll(resources(f));
                }
            }
        }
        return all;
    }

    private RouterConfig config(String overlay) throws Exception {
        Path key = Files.writeString(tmp.resolve("hmac"), "base64:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        String text = Files.readString(DEPLOY.resolve("overlays").resolve(overlay).resolve("hyrouter.yaml"))
                .replace("/etc/hyrouter-secret/hmac", key.toString());
        RouterConfig c = ConfigLoader.parse(text, overlay + "/hyrouter.yaml", false);
        assertThat(c.warnings()).as(overlay + " config warnings").isEmpty();
        return c;
    }

    @Test
    void theBaseAndEachOverlayFitTogether() throws Exception {
        for (String name : List.of("kubernetes", "agones")) {
            List<HasMetadata> all = overlay(name);
            Deployment d = only(all, Deployment.class);
            Service svc = only(all, Service.class);
            var pod = d.getSpec().getTemplate().getSpec();
            var container = pod.getContainers().get(0);
            assertThat(d.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
            assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
            // The Service sends UDP to the container's named port, and selects the pods.
            assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
            assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getProtocol()).isEqualTo("UDP");
                assertThat(p.getPort()).isEqualTo(5520);
                assertThat(container.getPorts()).anySatisfy(cp -> {
                    assertThat(cp.getName()).isEqualTo(p.getTargetPort().getStrVal());
                    assertThat(cp.getProtocol()).isEqualTo("UDP");
                });
            });
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsAllEntriesOf(svc.getSpec().getSelector());
            assertThat(podLabels).containsAllEntriesOf(only(all, PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
            assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
            // The pods run as the ServiceAccount the RoleBinding grants.
            String sa = only(all, ServiceAccount.class).getMetadata().getName();
            assertThat(pod.getServiceAccountName()).isEqualTo(sa);
            RoleBinding rb = only(all, RoleBinding.class);
            Role role = only(all, Role.class);
            assertThat(rb.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
            assertThat(rb.getSubjects()).anySatisfy(s -> assertThat(s.getName()).isEqualTo(sa));
            // The config comes from the generated ConfigMap, mounted where the command reads it.
            assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("hyrouter-config"));
            assertThat(container.getArgs()).containsSequence("-config", "/etc/hyrouter/hyrouter.yaml");
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            // The kubelet asks the admin listener: ready after discovery's sync and the warm-up, alive while up.
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            String adminPort = container.getReadinessProbe().getHttpGet().getPort().getStrVal();
            assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo(adminPort);
            io.fabric8.kubernetes.api.model.ContainerPort admin = container.getPorts().stream()
                    .filter(cp -> adminPort.equals(cp.getName())).findFirst().orElseThrow();
            assertThat(admin.getProtocol()).isEqualTo("TCP");
            assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(admin.getContainerPort()));
            // The config the pods read listens where the probes and Prometheus ask, and warms up before ready.
            RouterConfig config = config(name);
            assertThat(config.operations().adminListen()).endsWith(":" + admin.getContainerPort());
            assertThat(config.operations().warmupSessions()).isPositive();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMonitoringComponentScrapesTheAdminPortAndCarriesTheAlertsFile() throws Exception {
        Path dir = DEPLOY.resolve("components").resolve("monitoring");
        Map<String, Object> k = kustomization(dir);
        assertThat(k).containsEntry("kind", "Component");
        List<HasMetadata> all = new ArrayList<>();
        for (Object r : (List<Object>) k.get("resources")) {
            all.addAll(resources(dir.resolve(r.toString())));
        }
        Service metrics = only(all, Service.class);
        io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor monitor = only(all,
                io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class);
        io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule rule = only(all,
                io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class);
        // The metrics Service reaches the router's pods on their admin port, and the ServiceMonitor finds the Service.
        Deployment d = only(overlay("kubernetes"), Deployment.class);
        var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(metrics.getSpec().getSelector());
        assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getProtocol()).isEqualTo("TCP");
            assertThat(container.getPorts()).anySatisfy(cp -> {
                assertThat(cp.getName()).isEqualTo(p.getTargetPort().getStrVal());
                assertThat(cp.getContainerPort()).isEqualTo(p.getPort());
            });
            assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getPort()).isEqualTo(p.getName());
                assertThat(e.getPath()).isEqualTo("/metrics");
            });
        });
        assertThat(metrics.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        // The PrometheusRule's groups are router/deploy/monitoring/alerts.yaml's, which the real-Prometheus check runs.
        Load yaml = new Load(LoadSettings.builder().build());
        Map<String, Object> file = (Map<String, Object>) yaml.loadFromString(Files.readString(DEPLOY.resolve("../monitoring/alerts.yaml")));
        Map<String, Object> crd = (Map<String, Object>) yaml.loadFromString(Files.readString(dir.resolve("prometheusrule.yaml")));
        assertThat(((Map<String, Object>) crd.get("spec")).get("groups")).as("prometheusrule.yaml's groups equal alerts.yaml's")
                .isEqualTo(file.get("groups"));
        assertThat(rule.getSpec().getGroups()).singleElement().satisfies(g -> assertThat(g.getRules()).hasSizeGreaterThanOrEqualTo(10));
    }

    @Test
    void eachOverlayGrantsExactlyWhatItsProviderDoes() throws Exception {
        List<PolicyRule> k8s = only(overlay("kubernetes"), Role.class).getRules();
        assertThat(k8s).extracting(r -> r.getResources().get(0) + ":" + String.join(",", r.getVerbs()))
                .containsExactlyInAnyOrder("pods:get,list,watch", "endpointslices:get,list,watch");
        assertThat(config("kubernetes").discovery().providers()).singleElement().satisfies(p -> assertThat(p.type()).isEqualTo("kubernetes"));

        List<PolicyRule> agones = only(overlay("agones"), Role.class).getRules();
        assertThat(agones).extracting(r -> r.getApiGroups().get(0) + "/" + r.getResources().get(0) + ":" + String.join(",", r.getVerbs()))
                .containsExactlyInAnyOrder("agones.dev/gameservers:get,list,watch", "allocation.agones.dev/gameserverallocations:create");
        assertThat(config("agones").discovery().providers()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo("agones");
            assertThat(p.settings()).containsEntry("mode", "allocate");
        });
    }

    @Test
    void aTypoInAManifestIsCaught() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: x
                spec:
                  type: LoadBalancer
                  ports:
                    - port: 5520
                      protocl: UDP
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resources(bad)).hasMessageContaining("protocl");
    }

}
