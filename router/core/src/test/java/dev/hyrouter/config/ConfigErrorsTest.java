package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** A table of broken configs, each with the message an operator gets. */
class ConfigErrorsTest {
    private static final String POOL = "routing:\n  default:\n    strategy: round_robin\n    backends:\n      - host: a\n        port: 1\n";

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("listen: \"\"\n", "bad.yaml:1: listen: must not be empty"),
                Arguments.of("listen: \"5520\"\n", "bad.yaml:1: listen: must be host:port or :port"),
                Arguments.of("listen: \":99999\"\n", "bad.yaml:1: listen: port must be a number between 0 and 65535"),
                Arguments.of("tls:\n  cert_file: a.pem\n", "bad.yaml:2: tls: tls.cert_file and tls.key_file must be set together"),
                Arguments.of("tls:\n  alpn: []\n", "bad.yaml:2: tls.alpn: must not be empty"),
                Arguments.of("quic:\n  max_idle_timeout: 30 seconds\n", "bad.yaml:2: quic.max_idle_timeout: unknown unit \" seconds\""),
                Arguments.of("quic:\n  max_idle_timeout: 30\n", "bad.yaml:2: quic.max_idle_timeout: missing unit in duration \"30\""),
                Arguments.of("routing:\n  default:\n    strategy: fastest\n    backends:\n      - host: a\n        port: 1\n",
                        "bad.yaml:3: routing.default.strategy: unknown strategy \"fastest\" (one of round_robin, random, weighted, least_loaded, p2c)"),
                Arguments.of("routing:\n  default:\n    backends:\n      - host: a\n        port: 1\n",
                        "bad.yaml:3: routing.default: strategy must not be empty"),
                Arguments.of("routing:\n  default:\n    strategy: random\n",
                        "bad.yaml:3: routing.default: backends must not be empty"),
                Arguments.of("routing:\n  default:\n    strategy: random\n    backends:\n      - host: a\n        port: 0\n",
                        "bad.yaml:6: routing.default.backends[0].port: port must be between 1 and 65535"),
                Arguments.of("routing:\n  default:\n    strategy: random\n    backends:\n      - port: 5\n",
                        "bad.yaml:5: routing.default.backends[0]: host must not be empty"),
                Arguments.of("routing:\n  default:\n    strategy: weighted\n    backends:\n      - host: a\n        port: 1\n",
                        "bad.yaml:5: routing.default.backends[0]: weight must be > 0 for weighted strategy"),
                Arguments.of("routing:\n  default:\n    strategy: p2c\n    backends:\n      - host: a\n        port: 1\n",
                        "bad.yaml:3: routing.default: key must not be empty for strategy \"p2c\""),
                Arguments.of("routing:\n  routes:\n    - match: {}\n      pool:\n        strategy: random\n        backends: [{host: a, port: 1}]\n",
                        "bad.yaml:3: routing.routes[0].match: must not be empty (set match.hostname or match.hostnames)"),
                Arguments.of("routing:\n  routes:\n    - match: {hostname: a}\n      pool:\n        strategy: Round-Robin\n        backends: [{host: a, port: 1}]\n"
                        + "    - match: {hostname: b}\n      pool:\n        strategy: randum\n        backends: [{host: a, port: 1}]\n",
                        "bad.yaml:9: routing.routes[1].pool.strategy: unknown strategy \"randum\""),
                Arguments.of("routing:\n  default:\n    strategy: random\n    limit: -1\n    backends: [{host: a, port: 1}]\n",
                        "bad.yaml:4: routing.default.limit: limit must be >= 0"),
                Arguments.of("routing:\n  default:\n    strategy: random\n    sort: [{key: port, order: up}]\n    backends: [{host: a, port: 1}]\n",
                        "bad.yaml:4: routing.default.sort[0].order: order must be one of: asc, desc"),
                Arguments.of("routing:\n  default:\n    strategy: random\n    filters: [{type: compare, left: port, op: bigger, right: weight}]\n    backends: [{host: a, port: 1}]\n",
                        "bad.yaml:4: routing.default.filters[0]: op must be one of: lt, lte, gt, gte, eq, neq"),
                Arguments.of("routing:\n  default:\n    strategy: random\n    filters: [{type: whitelist, enabled_key: e}]\n    backends: [{host: a, port: 1}]\n",
                        "bad.yaml:4: routing.default.filters[0]: list_key must not be empty"),
                Arguments.of("routing:\n  default:\n    strategy: random\n    filters: [{type: geo}]\n    backends: [{host: a, port: 1}]\n",
                        "bad.yaml:4: routing.default.filters[0]: unknown type \"geo\""),
                Arguments.of("routing:\n  default:\n    strategy: random\n    fallback: [{strategy: least_loaded}]\n    backends: [{host: a, port: 1}]\n",
                        "bad.yaml:4: routing.default.fallback[0].strategy: key must not be empty for strategy \"least_loaded\""),
                Arguments.of("routing:\n  default:\n    strategy: random\n    discovery: {provider: k8s}\n",
                        "bad.yaml:4: routing.default.discovery: discovery is configured but top-level discovery section is missing"),
                Arguments.of("discovery:\n  providers: [{name: a, type: agones, agones: {}}]\nrouting:\n  default:\n    strategy: random\n    discovery: {provider: k8s}\n",
                        "bad.yaml:6: routing.default.discovery: unknown discovery provider \"k8s\""),
                Arguments.of("discovery:\n  providers: [{name: a, type: consul}]\n",
                        "bad.yaml:2: discovery.providers[0].type: type must be one of: kubernetes, agones, file"),
                Arguments.of("discovery:\n  providers: [{name: a, type: kubernetes}]\n",
                        "bad.yaml:2: discovery.providers[0]: kubernetes must be set"),
                Arguments.of("discovery:\n  providers:\n    - name: a\n      type: agones\n      agones:\n        selector: {annotations: \"novalue\"}\n",
                        "bad.yaml:6: discovery.providers[0].agones.selector.annotations: is invalid: invalid selector token \"novalue\""),
                Arguments.of("discovery:\n  providers:\n    - name: a\n      type: agones\n      agones:\n        allocate_min_interval: soon\n",
                        "bad.yaml:6: discovery.providers[0].agones.allocate_min_interval: is invalid"),
                Arguments.of("plugins:\n  - name: a\n    type: wasm\n    failure_mode: maybe\n    wasm: {path: x.wasm}\n",
                        "bad.yaml:4: plugins[0].failure_mode: must be open or closed, found \"maybe\""),
                Arguments.of("plugins:\n  - name: a\n    type: lua\n", "bad.yaml:3: plugins[0].type: type must be one of: grpc, wasm"),
                Arguments.of("plugins:\n  - name: a\n    type: grpc\n", "bad.yaml:2: plugins[0]: grpc.address must not be empty"),
                Arguments.of("plugins:\n  - name: a\n    type: wasm\n    stage: late\n    wasm: {path: x.wasm}\n",
                        "bad.yaml:4: plugins[0].stage: stage must be one of: deny, route, mutate"),
                Arguments.of("plugins:\n  - {name: a, type: wasm, wasm: {path: x}}\n  - {name: a, type: wasm, wasm: {path: y}}\n",
                        "bad.yaml:3: plugins[1]: name \"a\" must be unique (also used by the plugin at line 2)"),
                Arguments.of("plugins:\n  - {name: a, type: wasm, wasm: {path: x}, before: [b]}\n  - {name: b, type: wasm, wasm: {path: y}, before: [a]}\n",
                        "bad.yaml:2: plugins: cycle in before/after constraints of stage route among plugins [a, b]"),
                Arguments.of("plugins:\n  - {name: a, type: wasm, wasm: {path: x}, timeout: 0s}\n",
                        "bad.yaml:2: plugins[0].timeout: must be greater than zero"),
                Arguments.of("referral:\n  key_id: 300\n", "bad.yaml:2: referral.key_id: must be between 0 and 255, found 300"),
                Arguments.of("referral:\n  hmac_secret: \"hex:zz\"\n",
                        "bad.yaml:2: referral.hmac_secret: invalid referral.hmac_secret: HMAC secret with prefix 'hex:' contains a character that is not a hex digit"),
                Arguments.of("logging:\n  log_client_ip: maybe\n", "bad.yaml:2: logging.log_client_ip: must be true or false, found \"maybe\""),
                Arguments.of("routing:\n  default:\n    strategy: random\n    backends:\n      - host: a\n        port: \"80\"\n",
                        "bad.yaml:6: routing.default.backends[0].port: must be an integer, found \"80\""),
                Arguments.of("listen: \":5520\"\nlisten: \":5521\"\n", "bad.yaml:2: listen: key is defined twice in the same mapping (first at line 1)"),
                Arguments.of("routing: [\n", "bad.yaml:2: invalid YAML"),
                Arguments.of("limits:\n  retry: sometimes\n", "bad.yaml:2: limits.retry: must be never, always or auto, found \"sometimes\""),
                Arguments.of("tls:\n  client_certificates: require\n",
                        "bad.yaml:2: tls.client_certificates: must be request or off, found \"require\""),
                Arguments.of("limits:\n  max_connections_per_ip: -1\n", "bad.yaml:2: limits.max_connections_per_ip: "),
                Arguments.of("limits:\n  new_connections_per_ip_burst: 0\n", "bad.yaml:2: limits.new_connections_per_ip_burst: "),
                Arguments.of("quic:\n  address_validation: true\nlimits:\n  retry: auto\n",
                        "bad.yaml:4: limits.retry: contradicts quic.address_validation: true (which means always): remove one of them"),
                Arguments.of("logging:\n  access_log: \"\"\n", "bad.yaml:2: logging.access_log: must be stdout, off or a file path"),
                Arguments.of("routing:\n  routes: {a: b}\n", "bad.yaml:2: routing.routes: must be a list, found a mapping"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void brokenConfigsFailWithTheirMessage(String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "bad.yaml", false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected);
    }

    @Test
    void secretsNeverAppearInErrors() {
        assertThatThrownBy(() -> ConfigLoader.parse("referral:\n  hmac_secret: \"base64:topsecret!!\"\n", "bad.yaml", false))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret"));
    }

    @Test
    void unknownKeysAreWarningsWithTheirLine() throws Exception {
        RouterConfig c = ConfigLoader.parse(POOL + "    strategee: random\nloging:\n  log_client_ip: false\n", "w.yaml", false);
        assertThat(c.warnings()).extracting(Object::toString).containsExactly(
                "w.yaml:7: routing.default.strategee: unknown key, ignored (check its spelling and indentation)",
                "w.yaml:8: loging: unknown key, ignored (check its spelling and indentation)");
        assertThat(c.logging().logClientIp()).isTrue();
    }

    @Test
    void malformedGlobIsAWarning() throws Exception {
        RouterConfig c = ConfigLoader.parse("routing:\n  routes:\n    - match: {hostname: \"[a-\"}\n      pool: {strategy: random, backends: [{host: a, port: 1}]}\n",
                "w.yaml", false);
        assertThat(c.warnings()).singleElement().asString().contains("never match");
    }

    @Test
    void unsupportedExtensionIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(java.nio.file.Path.of("router.toml")))
                .hasMessage("router.toml: unsupported config extension (use .yaml, .yml or .json)");
        assertThatThrownBy(() -> ConfigLoader.load(java.nio.file.Path.of("does-not-exist.yaml")))
                .hasMessage("does-not-exist.yaml: file not found");
    }
}
