package dev.hyrouter.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads and validates {@code plugins} with the original's rules, plus ordering checks. */
final class PluginSection {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    private PluginSection() {
    }

    static List<PluginConfig> read(ConfigNode node, ParseContext ctx) throws ConfigException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<PluginConfig> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ConfigNode pn : node.sequence()) {
            ConfigMapping p = pn.mapping();
            String name = p.string("name");
            String typeText = p.string("type");
            ConfigNode stageNode = p.get("stage");
            String stageText = stageNode == null ? "" : stageNode.string();
            List<String> before = p.stringList("before");
            List<String> after = p.stringList("after");
            Duration timeout = ConfigLoader.duration(p, "timeout", DEFAULT_TIMEOUT, true);
            PluginConfig.FailureMode failureMode = failureMode(p);
            ConfigMapping grpc = p.mapping("grpc");
            String address = "";
            PluginConfig.GrpcSettings grpcSettings = null;
            if (grpc != null) {
                address = grpc.string("address");
                PluginConfig.GrpcSettings d = PluginConfig.GrpcSettings.of(address);
                ConfigMapping tls = grpc.mapping("tls");
                boolean tlsOn = false;
                String ca = "";
                String serverName = "";
                if (tls != null) {
                    tlsOn = tls.bool("enabled", true);
                    ca = ConfigLoader.fileBesideConfig(tls.get("ca_file"), ctx);
                    serverName = tls.string("server_name");
                    tls.finish();
                }
                ConfigMapping keepalive = grpc.mapping("keepalive");
                Duration kaTime = d.keepaliveTime();
                Duration kaTimeout = d.keepaliveTimeout();
                if (keepalive != null) {
                    kaTime = ConfigLoader.duration(keepalive, "time", kaTime, false);
                    kaTimeout = ConfigLoader.duration(keepalive, "timeout", kaTimeout, true);
                    keepalive.finish();
                }
                ConfigMapping breaker = grpc.mapping("circuit_breaker");
                int failures = d.breakerFailures();
                Duration cooldown = d.breakerCooldown();
                if (breaker != null) {
                    failures = (int) breaker.integer("failures", 0, 1_000_000, failures);
                    cooldown = ConfigLoader.duration(breaker, "cooldown", cooldown, true);
                    breaker.finish();
                }
                grpcSettings = new PluginConfig.GrpcSettings(address, (int) grpc.integer("channels", 1, 64, d.channels()), tlsOn, ca,
                        serverName, kaTime, kaTimeout, failures, cooldown);
                grpc.finish();
            }
            ConfigMapping wasm = p.mapping("wasm");
            String path = "";
            PluginConfig.WasmSettings wasmSettings = null;
            if (wasm != null) {
                path = ConfigLoader.fileBesideConfig(wasm.get("path"), ctx);
                PluginConfig.WasmSettings d = PluginConfig.WasmSettings.of(path);
                ConfigNode envNode = wasm.get("env");
                java.util.Map<String, String> env = envNode == null ? null : envNode.stringMap();
                wasmSettings = new PluginConfig.WasmSettings(path,
                        (int) wasm.integer("pool_size", 0, 1024, d.poolSize()),
                        wasm.integer("max_memory_bytes", 64 * 1024, 4L * 1024 * 1024 * 1024, d.maxMemoryBytes()),
                        (int) wasm.integer("max_calls_per_instance", 0, Integer.MAX_VALUE, d.maxCallsPerInstance()),
                        (int) wasm.integer("max_response_bytes", 256, 16 * 1024 * 1024, d.maxResponseBytes()),
                        (int) wasm.integer("queue_size", 1, 1 << 20, d.queueSize()),
                        wasm.bool("compile", d.compile()),
                        env == null ? java.util.Map.of() : java.util.Map.copyOf(env),
                        List.copyOf(wasm.stringList("args")),
                        wasmMode(wasm),
                        ConfigLoader.fileBesideConfig(wasm.get("compile_cache"), ctx));
                wasm.finish();
            }
            p.finish();

            if (name.isEmpty()) {
                throw pn.error("name must not be empty");
            }
            if (seen.containsKey(name)) {
                throw pn.error("name \"" + name + "\" must be unique (also used by the plugin at line " + seen.get(name) + ")");
            }
            seen.put(name, pn.line());
            PluginStage stage = PluginStage.parse(stageText);
            if (stage == null) {
                throw stageNode.error("stage must be one of: deny, route, mutate");
            }
            PluginConfig.PluginType type;
            switch (typeText.toLowerCase(Locale.ROOT)) {
                case "grpc":
                    type = PluginConfig.PluginType.GRPC;
                    if (address.isEmpty()) {
                        throw pn.error("grpc.address must not be empty");
                    }
                    break;
                case "wasm":
                    type = PluginConfig.PluginType.WASM;
                    if (path.isEmpty()) {
                        throw pn.error("wasm.path must not be empty");
                    }
                    break;
                default:
                    throw (p.get("type") == null ? pn : p.get("type")).error("type must be one of: grpc, wasm");
            }
            out.add(new PluginConfig(name, type, stage, List.copyOf(before), List.copyOf(after), timeout,
                    type == PluginConfig.PluginType.GRPC ? grpcSettings : null,
                    type == PluginConfig.PluginType.WASM ? wasmSettings : null,
                    pn.line(), failureMode));
        }
        List<PluginConfig> plugins = List.copyOf(out);
        for (PluginConfig p : plugins) {
            for (String ref : concat(p.before(), p.after())) {
                PluginConfig other = plugins.stream().filter(o -> o.name().equals(ref)).findFirst().orElse(null);
                if (other == null) {
                    ctx.warn(p.line(), "plugins." + p.name(), "before/after names \"" + ref + "\", which is not a configured plugin; the constraint is ignored");
                } else if (other.stage() != p.stage()) {
                    ctx.warn(p.line(), "plugins." + p.name(), "before/after names \"" + ref + "\" of another stage; stages always run deny, route, mutate, so the constraint is ignored");
                }
            }
        }
        try {
            PluginOrder.order(plugins);
        } catch (IllegalArgumentException e) {
            throw ctx.error(node.line(), "plugins", e.getMessage());
        }
        return plugins;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** {@code failure_mode}: {@code open} (default, the original's rule) or {@code closed}. */
    private static PluginConfig.FailureMode failureMode(ConfigMapping p) throws ConfigException {
        ConfigNode n = p.get("failure_mode");
        if (n == null) {
            return PluginConfig.FailureMode.OPEN;
        }
        return switch (n.string().trim().toLowerCase(Locale.ROOT)) {
            case "", "open" -> PluginConfig.FailureMode.OPEN;
            case "closed" -> PluginConfig.FailureMode.CLOSED;
            default -> throw n.error("must be open or closed, found \"" + n.string() + "\"");
        };
    }

    /** {@code wasm.mode}: {@code inline} (default: the call runs on the connection's event loop) or {@code worker}. */
    private static boolean wasmMode(ConfigMapping wasm) throws ConfigException {
        ConfigNode n = wasm.get("mode");
        if (n == null) {
            return false;
        }
        String mode = n.string().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (mode) {
            case "", "inline" -> false;
            case "worker" -> true;
            default -> throw n.error("must be inline or worker, found \"" + n.string() + "\"");
        };
    }
}
