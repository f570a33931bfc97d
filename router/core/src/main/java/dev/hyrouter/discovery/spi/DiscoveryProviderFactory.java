package dev.hyrouter.discovery.spi;

import dev.hyrouter.config.DiscoveryConfig;

/**
 * Creates providers of one type; found with {@link java.util.ServiceLoader}, so the runnable jar
 * gets the Kubernetes, Agones and file providers from the discovery module without the server
 * depending on it.
 */
public interface DiscoveryProviderFactory {
    /** The {@code type} this factory serves ({@code kubernetes}, {@code agones}, {@code file}). */
    String type();

    /**
     * Builds a provider from its validated settings; does not start it.
     *
     * @throws IllegalArgumentException naming the setting, when the settings cannot work (e.g. an unreadable kubeconfig)
     */
    DiscoveryProvider create(DiscoveryConfig.Provider config);
}
