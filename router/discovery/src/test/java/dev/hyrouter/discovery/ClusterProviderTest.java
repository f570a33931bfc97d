package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.DiscoveryProvider;
import dev.hyrouter.discovery.spi.DiscoveryProviderFactory;
import dev.hyrouter.routing.DiscoveryException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A provider under test against its own {@link MockCluster}, both closed after each test. */
abstract class ClusterProviderTest {
    @TempDir
    Path dir;
    MockCluster cluster;
    DiscoveryProvider provider;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = new MockCluster(dir);
    }

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        cluster.close();
    }

    /** Creates and starts a provider named {@code name} of {@code type}; {@code settings} follow the kubeconfig line, indented by 8. */
    DiscoveryProvider start(DiscoveryProviderFactory factory, String name, Path kubeconfig, String settings) throws Exception {
        provider = factory.create(Configs.provider("""
                  providers:
                    - name: %s
                      type: %s
                      %s:
                        kubeconfig: "%s"
                %s
                """.formatted(name, factory.type(), factory.type(), kubeconfig, settings)));
        provider.start();
        return provider;
    }

    /** The snapshot as {@code host:port}s, or one "not synced" entry with the reason. */
    Set<String> hosts() {
        try {
            return provider.snapshot().stream().map(b -> b.host() + ":" + b.port()).collect(Collectors.toSet());
        } catch (DiscoveryException e) {
            return Set.of("not synced: " + e.getMessage());
        }
    }
}
