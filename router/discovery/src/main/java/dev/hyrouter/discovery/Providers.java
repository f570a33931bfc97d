package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.DiscoveryProvider;
import dev.hyrouter.discovery.spi.DiscoveryProviderFactory;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.DiscoveryConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Function;

/** The provider factories this module registers with {@link java.util.ServiceLoader} (each needs a public no-argument class). */
public final class Providers {
    private Providers() {
    }

    /** A type and how to make its provider from the validated settings. */
    abstract static class Factory implements DiscoveryProviderFactory {
        private final String type;
        private final Function<DiscoveryConfig.Provider, DiscoveryProvider> make;

        Factory(String type, Function<DiscoveryConfig.Provider, DiscoveryProvider> make) {
            this.type = type;
            this.make = make;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public DiscoveryProvider create(DiscoveryConfig.Provider config) {
            return make.apply(config);
        }
    }

    /** {@code type: kubernetes}. */
    public static final class Kubernetes extends Factory {
        public Kubernetes() {
            super("kubernetes", c -> new KubernetesProvider(c, client(c)));
        }
    }

    /** {@code type: agones}. */
    public static final class Agones extends Factory {
        public Agones() {
            super("agones", c -> new AgonesProvider(c, client(c)));
        }
    }

    /** {@code type: file}; a relative path is read from the folder of the config file that names it. */
    public static final class File extends Factory {
        public File() {
            super("file", c -> new FileProvider(c, ConfigLoader.resolveAgainst(c.source(), Meta.string(c.settings(), "path"))));
        }
    }

    private static KubernetesClient client(DiscoveryConfig.Provider config) {
        return KubeClients.create(Meta.string(config.settings(), "kubeconfig"));
    }
}
