package dev.hyrouter.config;

import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.CompareFilter;
import dev.hyrouter.routing.DiscoveryMode;
import dev.hyrouter.routing.GoGlob;
import dev.hyrouter.routing.Names;
import dev.hyrouter.routing.Strategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and validates {@code routing} with the original's rules. */
final class RoutingSection {
    private static final String STRATEGIES = "round_robin, random, weighted, least_loaded, p2c";

    private RoutingSection() {
    }

    static RoutingConfig read(ConfigMapping r, DiscoveryConfig discovery, HealthCheckConfig healthChecks, ParseContext ctx)
            throws ConfigException {
        if (r == null) {
            return new RoutingConfig(null, List.of());
        }
        Set<String> providers = new HashSet<>();
        if (discovery != null) {
            discovery.providers().forEach(p -> providers.add(p.name()));
        }
        PoolConfig def = null;
        ConfigNode defNode = r.get("default");
        if (defNode != null && !defNode.isNull()) {
            def = pool(defNode, discovery != null, providers, healthChecks);
        }
        List<RouteConfig> routes = new ArrayList<>();
        for (ConfigNode routeNode : r.sequence("routes")) {
            ConfigMapping rm = routeNode.mapping();
            ConfigNode poolNode = rm.get("pool");
            PoolConfig pool = pool(poolNode == null ? routeNode : poolNode, discovery != null, providers, healthChecks, poolNode == null);
            ConfigMapping match = rm.mapping("match");
            List<String> hostnames = List.of();
            if (match != null) {
                List<String> list = match.stringList("hostnames");
                String single = match.string("hostname");
                hostnames = !list.isEmpty() ? list : (single.isEmpty() ? List.of() : List.of(single));
                ConfigNode mn = match.node();
                for (String h : hostnames) {
                    String problem = GoGlob.problem(h.trim().toLowerCase(java.util.Locale.ROOT));
                    if (problem != null) {
                        mn.warn("pattern \"" + h + "\" is a " + problem + "; it will never match");
                    } else if (h.trim().isEmpty()) {
                        mn.warn("an empty hostname pattern never matches");
                    }
                }
                match.finish();
            }
            if (hostnames.isEmpty()) {
                throw ctx.error(routeNode.line(), routeNode.path() + ".match", "must not be empty (set match.hostname or match.hostnames)");
            }
            rm.finish();
            routes.add(new RouteConfig(List.copyOf(hostnames), pool));
        }
        r.finish();
        return new RoutingConfig(def, List.copyOf(routes));
    }

    private static PoolConfig pool(ConfigNode node, boolean discoverySection, Set<String> providers, HealthCheckConfig healthChecks)
            throws ConfigException {
        return pool(node, discoverySection, providers, healthChecks, false);
    }

    private static PoolConfig pool(ConfigNode node, boolean discoverySection, Set<String> providers, HealthCheckConfig healthDefaults,
            boolean missing) throws ConfigException {
        String path = missing ? node.path() + ".pool" : node.path();
        ConfigMapping p = missing ? new ConfigMapping(node, List.of()) : node.mapping();
        String strategyText = p.string("strategy");
        String key = p.string("key").trim();
        int sample = (int) p.integer("sample", Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
        List<SortKeyConfig> sort = sortKeys(p.get("sort"));
        int limit = (int) p.integer("limit", Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
        List<FilterConfig> filters = filters(p.get("filters"));
        List<FallbackConfig> fallbacks = new ArrayList<>();
        for (ConfigNode fb : p.sequence("fallback")) {
            fallbacks.add(fallback(fb));
        }
        ConfigNode backendsNode = p.get("backends");
        List<ConfigNode> backendNodes = backendsNode == null ? List.of() : backendsNode.sequence();
        PoolConfig.DiscoveryRef discovery = null;
        ConfigNode discoveryNode = p.get("discovery");
        if (discoveryNode != null && !discoveryNode.isNull()) {
            ConfigMapping d = discoveryNode.mapping();
            String provider = d.string("provider").trim();
            ConfigNode modeNode = d.get("mode");
            String modeText = modeNode == null ? "" : modeNode.string();
            d.finish();
            if (provider.isEmpty()) {
                throw discoveryNode.error("discovery.provider must not be empty");
            }
            DiscoveryMode mode = DiscoveryMode.parse(modeText);
            if (mode == null) {
                throw (modeNode == null ? discoveryNode : modeNode).error("discovery.mode must be one of: union, prefer");
            }
            if (!discoverySection) {
                throw discoveryNode.error("discovery is configured but top-level discovery section is missing");
            }
            if (!providers.contains(provider)) {
                throw discoveryNode.error("unknown discovery provider \"" + provider + "\"");
            }
            discovery = new PoolConfig.DiscoveryRef(provider, mode);
        }
        HealthCheckConfig healthChecks = ConfigLoader.readHealthChecks(p.mapping("health_checks"), healthDefaults, false);
        p.finish();

        if (backendNodes.isEmpty() && discovery == null) {
            throw errorAt(backendsNode, node, path, "backends must not be empty");
        }
        ConfigNode strategyNode = p.get("strategy");
        if (Names.normalize(strategyText).isEmpty()) {
            throw errorAt(strategyNode, node, path, "strategy must not be empty (one of " + STRATEGIES + ")");
        }
        Strategy strategy = Strategy.parse(strategyText);
        if (strategy == null) {
            throw strategyNode.error("unknown strategy \"" + strategyText + "\" (one of " + STRATEGIES + ")");
        }
        if (strategy.needsKey() && key.isEmpty()) {
            throw errorAt(p.get("key"), node, path, "key must not be empty for strategy \"" + strategyText + "\"");
        }
        if (strategy == Strategy.P2C && sample < 0) {
            throw p.get("sample").error("sample must be >= 0");
        }
        if (limit < 0) {
            throw p.get("limit").error("limit must be >= 0");
        }
        List<Backend> backends = new ArrayList<>();
        for (ConfigNode bn : backendNodes) {
            backends.add(backend(bn, strategy));
        }
        return new PoolConfig(strategy, key, sample, sort == null ? List.of() : sort, limit,
                filters == null ? List.of() : filters, List.copyOf(fallbacks), List.copyOf(backends), discovery, healthChecks);
    }

    private static ConfigException errorAt(ConfigNode preferred, ConfigNode fallback, String fallbackPath, String rule) {
        if (preferred != null) {
            return preferred.error(rule);
        }
        return fallback.context().error(fallback.line(), fallbackPath, rule);
    }

    /** One backend entry; {@code strategy} may be {@code null} (a discovery file: weights are checked by the pool). */
    static Backend backend(ConfigNode bn, Strategy strategy) throws ConfigException {
        ConfigMapping b = bn.mapping();
        String host = b.string("host");
        ConfigNode portNode = b.get("port");
        long port = b.integer("port", Long.MIN_VALUE, Long.MAX_VALUE, 0);
        ConfigNode weightNode = b.get("weight");
        long weight = b.integer("weight", Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
        ConfigNode metaNode = b.get("meta");
        java.util.Map<String, String> meta = metaNode == null ? null : metaNode.stringMap();
        b.finish();
        if (host.isEmpty()) {
            throw bn.error("host must not be empty");
        }
        if (host.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
            throw b.get("host").error("host must be at most 256 bytes (the ClientReferral limit)");
        }
        if (port <= 0 || port > 65535) {
            throw (portNode == null ? bn : portNode).error("port must be between 1 and 65535");
        }
        if (weight < 0) {
            throw weightNode.error("weight must be >= 0");
        }
        if (strategy == Strategy.WEIGHTED && weight <= 0) {
            throw (weightNode == null ? bn : weightNode).error("weight must be > 0 for weighted strategy");
        }
        return new Backend(host, (int) port, (int) weight, meta);
    }

    private static List<SortKeyConfig> sortKeys(ConfigNode node) throws ConfigException {
        if (node == null || node.isNull()) {
            return null;
        }
        List<SortKeyConfig> out = new ArrayList<>();
        for (ConfigNode sn : node.sequence()) {
            ConfigMapping s = sn.mapping();
            String key = s.string("key").trim();
            String order = Names.normalize(s.string("order"));
            String type = Names.normalize(s.string("type"));
            s.finish();
            if (key.isEmpty()) {
                throw sn.error("key must not be empty");
            }
            if (!order.isEmpty() && !order.equals("asc") && !order.equals("desc")) {
                throw s.get("order").error("order must be one of: asc, desc");
            }
            if (!type.isEmpty() && !type.equals("string") && !type.equals("number")) {
                throw s.get("type").error("type must be one of: string, number");
            }
            out.add(new SortKeyConfig(key, order.equals("desc"), type.equals("number")));
        }
        return List.copyOf(out);
    }

    private static List<FilterConfig> filters(ConfigNode node) throws ConfigException {
        if (node == null || node.isNull()) {
            return null;
        }
        List<FilterConfig> out = new ArrayList<>();
        for (ConfigNode fn : node.sequence()) {
            out.add(filter(fn));
        }
        return List.copyOf(out);
    }

    private static FilterConfig filter(ConfigNode fn) throws ConfigException {
        ConfigMapping f = fn.mapping();
        String type = Names.normalize(f.string("type"));
        String subject = Names.normalize(f.string("subject"));
        String left = f.string("left").trim();
        String opText = f.string("op");
        String right = f.string("right").trim();
        String enabledKey = f.string("enabled_key").trim();
        String listKey = f.string("list_key").trim();
        String key = f.string("key").trim();
        f.finish();
        switch (type) {
            case "":
                throw fn.error("type must not be empty (one of compare, whitelist, game_start_not_past)");
            case "compare": {
                if (left.isEmpty()) {
                    throw fn.error("left must not be empty");
                }
                CompareFilter.Op op = CompareFilter.Op.parse(opText);
                if (op == null) {
                    throw fn.error("op must be one of: lt, lte, gt, gte, eq, neq");
                }
                if (right.isEmpty()) {
                    throw fn.error("right must not be empty");
                }
                return new FilterConfig(FilterConfig.Type.COMPARE, left, op, right, "", "", false, "");
            }
            case "whitelist":
                if (enabledKey.isEmpty()) {
                    throw fn.error("enabled_key must not be empty");
                }
                if (listKey.isEmpty()) {
                    throw fn.error("list_key must not be empty");
                }
                if (!subject.isEmpty() && !subject.equals("uuid") && !subject.equals("username")) {
                    throw fn.error("subject must be one of: uuid, username");
                }
                return new FilterConfig(FilterConfig.Type.WHITELIST, "", null, "", enabledKey, listKey, subject.equals("username"), "");
            case "game_start_not_past":
                if (key.isEmpty()) {
                    throw fn.error("key must not be empty");
                }
                return new FilterConfig(FilterConfig.Type.GAME_START_NOT_PAST, "", null, "", "", "", false, key);
            default:
                throw fn.error("unknown type \"" + type + "\" (one of compare, whitelist, game_start_not_past)");
        }
    }

    private static FallbackConfig fallback(ConfigNode fn) throws ConfigException {
        ConfigMapping f = fn.mapping();
        ConfigNode strategyNode = f.get("strategy");
        ConfigNode keyNode = f.get("key");
        ConfigNode sampleNode = f.get("sample");
        ConfigNode limitNode = f.get("limit");
        List<SortKeyConfig> sort = sortKeys(f.get("sort"));
        List<FilterConfig> filters = filters(f.get("filters"));
        f.finish();
        Strategy strategy = null;
        String key = keyNode == null || keyNode.isNull() ? null : keyNode.string().trim();
        if (strategyNode != null && !strategyNode.isNull()) {
            strategy = Strategy.parse(strategyNode.string());
            if (strategy == null) {
                throw strategyNode.error("unknown strategy \"" + strategyNode.string() + "\" (one of " + STRATEGIES + ")");
            }
            if (strategy.needsKey() && (key == null || key.isEmpty())) {
                throw strategyNode.error("key must not be empty for strategy \"" + strategyNode.string() + "\"");
            }
        }
        Integer sample = sampleNode == null || sampleNode.isNull() ? null : (int) sampleNode.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (sample != null && sample < 0) {
            throw sampleNode.error("sample must be >= 0");
        }
        Integer limit = limitNode == null || limitNode.isNull() ? null : (int) limitNode.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (limit != null && limit < 0) {
            throw limitNode.error("limit must be >= 0");
        }
        return new FallbackConfig(strategy, key, sample, sort, limit, filters);
    }
}
