package dev.hyrouter.discovery;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fabric8 client as the original finds its cluster: the {@code kubeconfig} path when set, else
 * the in-cluster service account, else the usual kubeconfig locations ({@code $KUBECONFIG},
 * {@code ~/.kube/config}).
 */
final class KubeClients {
    private KubeClients() {
    }

    static KubernetesClient create(String kubeconfig) {
        String path = kubeconfig == null ? "" : kubeconfig.trim();
        if (path.isEmpty()) {
            return build(Config.autoConfigure(null));
        }
        String text;
        try {
            text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("kubeconfig " + path + " cannot be read: " + e.getMessage());
        }
        Config config;
        try {
            config = Config.fromKubeconfig(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kubeconfig " + path + " is not a valid kubeconfig: " + e.getMessage());
        }
        return build(config);
    }

    /**
     * No request retries inside the client: informers are restarted by {@link InformerSet} after
     * a back-off, and an allocation retried after a server error could allocate a second
     * GameServer nobody is sent to; a failed allocation answers {@code discovery_error} instead.
     */
    private static KubernetesClient build(Config config) {
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
