package dev.hyrouter.discovery;

import dev.hyrouter.config.DiscoveryConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/** The provider factories this module registers with {@link java.util.ServiceLoader}. */
public final class Providers {
    private Providers() {
    }

    /** {@code type: kubernetes}. */
    public static final class Kubernetes implements DiscoveryProviderFactory {
        @Override
        public String type() {
            return "kubernetes";
        }

        @Override
        public DiscoveryProvider create(DiscoveryConfig.Provider config) {
            return new KubernetesProvider(config, client(config));
        }
    }

    /** {@code type: agones}. */
    public static final class Agones implements DiscoveryProviderFactory {
        @Override
        public String type() {
            return "agones";
        }

        @Override
        public DiscoveryProvider create(DiscoveryConfig.Provider config) {
            return new AgonesProvider(config, client(config));
        }
    }

    /** {@code type: file}; a relative path is read from the folder of the config file that names it. */
    public static final class File implements DiscoveryProviderFactory {
        @Override
        public String type() {
            return "file";
        }

        @Override
        public DiscoveryProvider create(DiscoveryConfig.Provider config) {
            Path source = config.source().isEmpty() ? null : Path.of(config.source()).toAbsolutePath().getParent();
            return new FileProvider(config, source);
        }
    }

    private static KubernetesClient client(DiscoveryConfig.Provider config) {
        return KubeClients.create(Meta.string(config.settings(), "kubeconfig"));
    }
}
