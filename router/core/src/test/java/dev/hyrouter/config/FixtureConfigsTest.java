package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.routing.DiscoveryMode;
import dev.hyrouter.routing.Strategy;
import dev.hyrouter.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's fixture configs use, between them, every key of the original's config files;
 * each must load without a warning and read back as written, with the original's defaults where a
 * key is left out.
 */
class FixtureConfigsTest {
    @TempDir
    Path dir;

    private RouterConfig load(String name) throws Exception {
        return ConfigLoader.load(Fixtures.configFile(name, dir));
    }

    @Test
    void everyFixtureLoadsWithoutWarnings() throws Exception {
        for (String name : Fixtures.CONFIGS) {
            RouterConfig c = load(name);
            assertThat(c.warnings()).as(name).isEmpty();
            assertThat(c.listen()).as(name).isEqualTo(":5520");
            assertThat(c.tls().alpn()).as(name).containsExactly("hytale/*");
            assertThat(c.quic().maxIdleTimeout()).as(name).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void minimalConfigTakesTheOriginalDefaults() throws Exception {
        RouterConfig c = load("minimal.yaml");
        // log_client_ip is on when the key is absent, as in the original.
        assertThat(c.logging().logClientIp()).isTrue();
        assertThat(c.logging().statsInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.referral()).isNull();
        assertThat(c.plugins()).isEmpty();
        assertThat(c.routing().routes()).isEmpty();
        assertThat(c.routing().defaultPool().strategy()).isEqualTo(Strategy.ROUND_ROBIN);
        assertThat(c.routing().defaultPool().backends()).singleElement()
                .satisfies(b -> assertThat(b.host() + ":" + b.port()).isEqualTo("hub.example.net:5520"));
        // No messages in the file: the built-in English texts and translations apply.
        assertThat(c.messages().disconnect().noBackends()).isEqualTo("The server is full or restarting. Please try again in a moment.");
        assertThat(c.messages().disconnectLocales()).containsOnlyKeys("de", "fr", "es", "pt", "pt-BR", "it");
        assertThat(c.messages().disconnectLocales().get("de").noRoute()).isEqualTo("Der Server ist aktuell nicht verfügbar.");
        assertThat(c.quic().maxFrameBytes()).isEqualTo(64 * 1024);
        assertThat(c.quic().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void devConfigSetsEveryMessageAndPartialLocales() throws Exception {
        RouterConfig c = load("dev.yaml");
        assertThat(c.logging().logClientIp()).isTrue();
        assertThat(c.messages().disconnect().noRoute()).isEqualTo("Nothing answers at ${sni} right now.");
        assertThat(c.messages().disconnect().routingError()).isEqualTo("We could not pick a server (${error}).");
        assertThat(c.messages().disconnectLocales()).containsOnlyKeys("de", "fr", "es", "pt", "pt-BR", "it");
        assertThat(c.messages().disconnectLocales().get("it").discoveryError())
                .isEqualTo("Stiamo cercando i server per ${sni}. Riprova tra poco.");
        assertThat(c.messages().disconnectLocales().get("pt-BR").noBackends())
                .isEqualTo("Todos os servidores de ${sni} estão lotados. Tente de novo em breve.");
        RouteConfig full = c.routing().routes().get(0);
        assertThat(full.hostnames()).containsExactly("full.example.com");
        assertThat(full.pool().filters()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(FilterConfig.Type.COMPARE);
            assertThat(f.left()).isEqualTo("counter:players.count");
            assertThat(f.right()).isEqualTo("counter:players.capacity");
        });
        assertThat(c.routing().defaultPool()).isNotNull();
    }

    @Test
    void pluginsConfigHasItsPluginsInStageOrder() throws Exception {
        RouterConfig c = load("plugins.yaml");
        assertThat(c.logging().logClientIp()).isFalse();
        assertThat(c.plugins()).extracting(PluginConfig::name).containsExactly("gate", "rewrite");
        PluginConfig gate = c.plugins().get(0);
        assertThat(gate.type()).isEqualTo(PluginConfig.PluginType.GRPC);
        assertThat(gate.stage()).isEqualTo(PluginStage.DENY);
        assertThat(gate.grpc().address()).isEqualTo("127.0.0.1:7777");
        // No timeout in the file: the original's default of one second.
        assertThat(gate.timeout()).isEqualTo(Duration.ofSeconds(1));
        PluginConfig rewrite = c.plugins().get(1);
        assertThat(rewrite.type()).isEqualTo(PluginConfig.PluginType.WASM);
        assertThat(rewrite.stage()).isEqualTo(PluginStage.MUTATE);
        // Read from the config's folder (the file is in neither place here, so no working-directory fallback).
        assertThat(rewrite.wasm().path()).isEqualTo(dir.toAbsolutePath().resolve("plugins/examples/c-plugin/plugin.wasm").toString());
    }

    @Test
    void kubernetesPodsProviderAndSortedPool() throws Exception {
        RouterConfig c = load("kubernetes-pods.yaml");
        DiscoveryConfig.Provider p = c.discovery().providers().get(0);
        assertThat(p.name()).isEqualTo("cluster");
        assertThat(p.type()).isEqualTo("kubernetes");
        assertThat(p.settings()).containsEntry("namespaces", List.of("games"));
        assertThat(p.settings().get("filters")).isEqualTo(Map.of("require_pod_ready", true, "require_pod_phase", List.of("Running")));
        PoolConfig pool = c.routing().routes().get(0).pool();
        assertThat(pool.strategy()).isEqualTo(Strategy.WEIGHTED);
        assertThat(pool.sort()).containsExactly(new SortKeyConfig("label:zone", true, false));
        assertThat(pool.limit()).isEqualTo(10);
        assertThat(pool.discovery().provider()).isEqualTo("cluster");
        assertThat(pool.discovery().mode()).isEqualTo(DiscoveryMode.PREFER);
    }

    @Test
    void kubernetesEndpointSlicesProviderInUnionWithStaticBackends() throws Exception {
        RouterConfig c = load("kubernetes-endpointslices.yaml");
        DiscoveryConfig.Provider p = c.discovery().providers().get(0);
        assertThat(p.settings().get("filters")).isEqualTo(Map.of("require_endpoint_ready", true));
        PoolConfig pool = c.routing().routes().get(0).pool();
        assertThat(pool.strategy()).isEqualTo(Strategy.LEAST_LOADED);
        assertThat(pool.key()).isEqualTo("counter:players.count");
        assertThat(pool.backends()).hasSize(1);
        assertThat(pool.discovery().mode()).isEqualTo(DiscoveryMode.UNION);
    }

    @Test
    void agonesProvidersInBothModes() throws Exception {
        RouterConfig observe = load("agones-observe.yaml");
        DiscoveryConfig.Provider o = observe.discovery().providers().get(0);
        assertThat(o.type()).isEqualTo("agones");
        assertThat(o.settings()).containsEntry("mode", "observe").containsEntry("state", List.of("Ready", "Reserved", "Allocated"));
        PoolConfig pool = observe.routing().routes().get(0).pool();
        assertThat(pool.sort()).containsExactly(new SortKeyConfig("counter:players.count", true, true));
        assertThat(pool.limit()).isEqualTo(5);

        RouterConfig allocate = load("agones-allocate.yaml");
        DiscoveryConfig.Provider a = allocate.discovery().providers().get(0);
        assertThat(a.settings()).containsEntry("mode", "allocate").containsEntry("allocate_min_interval", "100ms");
        assertThat(a.settings().get("address")).isEqualTo(Map.of("source", "addresses", "preference", List.of("ExternalDNS", "ExternalIP")));
    }
}
