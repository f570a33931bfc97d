package dev.hyrouter.config;

import dev.hyrouter.envelope.HmacSecret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads a router configuration from YAML ({@code .yaml}/{@code .yml}) or JSON ({@code .json})
 * with every key, default and validation rule of the Go original, plus our optional additions.
 *
 * <p>Errors stop the load with a {@link ConfigException} (file, line, key path, rule); keys the
 * original would silently ignore become {@link ConfigWarning}s with their line. JSON is read by
 * the same YAML 1.2 parser (JSON is a subset), which keeps line numbers for both.
 */
public final class ConfigLoader {
    static final String DEFAULT_LISTEN = ":5520";
    static final Duration DEFAULT_MAX_IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_CLOSE_AFTER_ANSWER = Duration.ofSeconds(5);
    static final int DEFAULT_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(60);
    static final DisconnectTexts DEFAULT_DISCONNECT = new DisconnectTexts(
            "The server is currently unavailable.",
            "The server is full or restarting. Please try again in a moment.",
            "The server is currently unreachable. Please try again later.",
            "The server is looking for an available instance. Please try again in a moment.",
            "Joining is not possible right now. Please try again in a moment.");

    /** The largest HMAC key file read ({@code referral.hmac_secret_file}). */
    static final int MAX_KEY_FILE_BYTES = 4096;

    private ConfigLoader() {
    }

    /** Loads and validates a file; the extension picks the format. */
    public static RouterConfig load(Path path) throws ConfigException {
        boolean json = isJson(path, "config"); // refused by extension before the file is read
        return parse(read(path), path.toString(), json);
    }

    /** Whether the extension says JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}); anything else is refused. */
    private static boolean isJson(Path path, String what) throws ConfigException {
        String lower = path.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return false;
        }
        if (lower.endsWith(".json")) {
            return true;
        }
        throw new ConfigException(path.toString(), 0, "", "unsupported " + what + " extension (use .yaml, .yml or .json)");
    }

    private static String read(Path path) throws ConfigException {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(path.toString(), 0, "", "file not found");
        } catch (IOException e) {
            throw new ConfigException(path.toString(), 0, "", "cannot read file: " + e.getMessage());
        }
    }

    /**
     * {@code path} as a file named inside the config file {@code configFile}: a relative path is
     * read from the config file's folder (as a mounted ConfigMap and its neighbours expect).
     */
    public static Path resolveAgainst(String configFile, String path) {
        Path p = Path.of(path.trim());
        if (p.isAbsolute() || configFile == null || configFile.isEmpty()) {
            return p;
        }
        Path dir = Path.of(configFile).toAbsolutePath().getParent();
        return dir == null ? p : dir.resolve(p);
    }

    /**
     * A file a config names, by the one rule for relative paths: the config file's folder. The
     * original read {@code wasm.path}, {@code wasm.compile_cache}, {@code tls.cert_file},
     * {@code tls.key_file} and a gRPC plugin's {@code tls.ca_file} from the working directory, so
     * a file found only there is still used, with a warning naming both places (its configs keep
     * working); a file in neither place is named by its path beside the config, where the error
     * that follows sends the operator. Empty stays empty.
     */
    static String fileBesideConfig(ConfigNode node, ParseContext ctx) throws ConfigException {
        if (node == null) {
            return "";
        }
        String text = node.string().trim();
        Path beside;
        Path workingDir;
        try {
            if (text.isEmpty() || Path.of(text).isAbsolute()) {
                return text;
            }
            beside = resolveAgainst(ctx.file, text);
            workingDir = Path.of(text).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw node.error("is not a file path (" + e.getReason() + ")");
        }
        if (beside.equals(workingDir) || Files.exists(beside) || !Files.exists(workingDir)) {
            return beside.toString();
        }
        node.warn(text + " is not in the config file's folder (" + beside.getParent() + ") but in the working directory;"
                + " using " + workingDir + " (the original's rule). Relative paths are read from the config file's folder:"
                + " move the file there or write the path relative to it");
        return workingDir.toString();
    }

    /** Parses and validates config text; {@code fileName} is used in messages only. */
    public static RouterConfig parse(String text, String fileName, boolean json) throws ConfigException {
        ParseContext ctx = new ParseContext(fileName, json);
        Optional<Node> root = compose(text, ctx);
        ConfigNode top = root.map(n -> new ConfigNode(n, "", ctx)).orElse(null);
        ConfigMapping m = top == null ? new ConfigMapping(new ConfigNode(emptyMapping(ctx), "", ctx), List.of()) : top.mapping();

        String listen = m.string("listen", DEFAULT_LISTEN);
        ConfigNode listenNode = m.get("listen");
        validateListen(listen, listenNode, ctx);

        TlsConfig tls = readTls(m.mapping("tls"), m.get("tls"), ctx);
        QuicConfig quic = readQuic(m.mapping("quic"));
        LoggingConfig logging = readLogging(m.mapping("logging"), fileName);
        ReferralConfig referral = readReferral(m.mapping("referral"), ctx);
        MessagesConfig messages = readMessages(m.mapping("messages"));
        DiscoveryConfig discovery = m.has("discovery") ? DiscoverySection.read(m.mapping("discovery")) : null;
        HealthCheckConfig healthChecks = readHealthChecks(m.mapping("health_checks"), HealthCheckConfig.DEFAULTS, true);
        RoutingConfig routing = RoutingSection.read(m.mapping("routing"), discovery, healthChecks, ctx);
        List<PluginConfig> plugins = PluginSection.read(m.get("plugins"), ctx);
        OperationsConfig operations = readOperations(m.mapping("admin"), m.mapping("shutdown"), m.mapping("warmup"), ctx);
        LimitsConfig limits = readLimits(m.mapping("limits"), quic.addressValidation(), m.get("quic"));
        m.finish();

        return new RouterConfig(fileName, listen, tls, quic, routing, referral, plugins, discovery, messages, logging, operations, limits,
                healthChecks, List.copyOf(ctx.warnings));
    }

    /**
     * Parses a backends file for the file discovery provider (ours): a {@code backends} list whose
     * entries have the keys of a pool's static backends ({@code host}, {@code port},
     * {@code weight}, {@code meta}) and the same rules; an empty list is allowed.
     */
    public static List<dev.hyrouter.routing.Backend> parseBackends(String text, String fileName, boolean json) throws ConfigException {
        ParseContext ctx = new ParseContext(fileName, json);
        Optional<Node> root = compose(text, ctx);
        if (root.isEmpty()) {
            throw ctx.error(0, "", "is empty: expected a mapping with a backends list");
        }
        ConfigMapping m = new ConfigNode(root.get(), "", ctx).mapping();
        ConfigNode list = m.get("backends");
        if (list == null) {
            throw ctx.error(0, "backends", "must be set (a list of host/port entries; may be empty)");
        }
        List<dev.hyrouter.routing.Backend> out = new ArrayList<>();
        if (!list.isNull()) {
            for (ConfigNode bn : list.sequence()) {
                out.add(RoutingSection.backend(bn, null));
            }
        }
        m.finish();
        return List.copyOf(out);
    }

    /** {@link #parseBackends} on a file; the extension picks the format (.yaml, .yml or .json). */
    public static List<dev.hyrouter.routing.Backend> loadBackends(Path path) throws ConfigException {
        boolean json = isJson(path, "backends file");
        return parseBackends(read(path), path.toString(), json);
    }

    private static Node emptyMapping(ParseContext ctx) {
        try {
            return compose("{}", ctx).orElseThrow();
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Node> compose(String text, ParseContext ctx) throws ConfigException {
        LoadSettings settings = LoadSettings.builder().setLabel(ctx.file).setUseMarks(true).build();
        String invalid = ctx.json ? "invalid JSON: " : "invalid YAML: ";
        try {
            return new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(mk -> mk.getLine() + 1).orElse(0);
            throw ctx.error(line, "", invalid + e.getProblem());
        } catch (YamlEngineException e) {
            throw ctx.error(0, "", invalid + e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            // snakeyaml-engine's reader overruns its buffer on some malformed text (found by the
            // config fuzzer): still a refused file, never a crash.
            throw ctx.error(0, "", invalid + "the YAML reader could not read this text (" + e.getMessage() + ")");
        }
    }

    private static void validateListen(String listen, ConfigNode node, ParseContext ctx) throws ConfigException {
        int line = node == null ? 0 : node.line();
        if (listen.isEmpty()) {
            throw ctx.error(line, "listen", "must not be empty");
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw ctx.error(line, "listen", "must be host:port or :port, found \"" + listen + "\"");
        }
        String host = listen.substring(0, colon);
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            throw ctx.error(line, "listen", "an IPv6 host must be in brackets, as [::1]:5520");
        }
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw ctx.error(line, "listen", "port must be a number between 0 and 65535, found \"" + listen.substring(colon + 1) + "\"");
        }
    }

    private static TlsConfig readTls(ConfigMapping t, ConfigNode node, ParseContext ctx) throws ConfigException {
        if (t == null) {
            return new TlsConfig("", "", List.of("hytale/*"));
        }
        String cert = fileBesideConfig(t.get("cert_file"), ctx);
        String key = fileBesideConfig(t.get("key_file"), ctx);
        ConfigNode alpnNode = t.get("alpn");
        List<String> alpn = alpnNode == null ? List.of("hytale/*") : alpnNode.stringList();
        List<String> ticketKeys = readTicketKeys(t.get("session_ticket_keys"), ctx);
        boolean request = true;
        ConfigNode clientCerts = t.get("client_certificates");
        if (clientCerts != null) {
            switch (clientCerts.string().trim().toLowerCase(Locale.ROOT)) {
                case "request" -> request = true;
                case "off" -> request = false;
                default -> throw clientCerts.error("must be request or off, found \"" + clientCerts.string() + "\"");
            }
        }
        t.finish();
        if (cert.isEmpty() != key.isEmpty()) {
            throw ctx.error(node.line(), "tls", "tls.cert_file and tls.key_file must be set together");
        }
        if (alpn.isEmpty()) {
            throw ctx.error(alpnNode.line(), "tls.alpn", "must not be empty");
        }
        for (int i = 0; i < alpn.size(); i++) {
            if (alpn.get(i).trim().isEmpty()) {
                throw ctx.error(alpnNode.line(), "tls.alpn[" + i + "]", "must not be empty");
            }
        }
        return new TlsConfig(cert, key, List.copyOf(alpn), ticketKeys, request);
    }

    /** {@code tls.session_ticket_keys}: every file must hold one key, and no two keys may share a name. */
    private static List<String> readTicketKeys(ConfigNode node, ParseContext ctx) throws ConfigException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<ConfigNode> items = node.sequence();
        List<String> files = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode item = items.get(i);
            String text = item.string().trim();
            String key = "tls.session_ticket_keys[" + i + "]";
            if (text.isEmpty()) {
                throw ctx.error(item.line(), key, "must name a file");
            }
            String file = text;
            byte[] bytes;
            try {
                // Relative to the config file's folder, as referral.hmac_secret_file.
                file = resolveAgainst(ctx.file, text).toString();
                bytes = TicketKeyFile.read(Path.of(file));
            } catch (IOException | InvalidPathException e) {
                throw ctx.error(item.line(), key, "ticket key file " + text + " cannot be read (" + e.getClass().getSimpleName() + ")");
            } catch (IllegalArgumentException e) {
                throw ctx.error(item.line(), key, "ticket key file " + file + " " + e.getMessage());
            }
            // The key's name (its first 16 bytes) is not secret: every ticket carries it in the clear.
            String name = HexFormat.of().formatHex(bytes, TicketKeyFile.NAME, TicketKeyFile.AES);
            Arrays.fill(bytes, (byte) 0);
            String other = names.putIfAbsent(name, file);
            if (other != null) {
                throw ctx.error(item.line(), key, "ticket key file " + file + " has the same key name (its first 16 bytes) as " + other
                        + "; every key needs its own name, or a ticket could be opened with the wrong key");
            }
            files.add(file);
        }
        return List.copyOf(files);
    }

    private static QuicConfig readQuic(ConfigMapping q) throws ConfigException {
        if (q == null) {
            return new QuicConfig(DEFAULT_MAX_IDLE_TIMEOUT, DEFAULT_MAX_FRAME_BYTES, DEFAULT_CONNECT_TIMEOUT, 0, DEFAULT_CLOSE_AFTER_ANSWER,
                    DEFAULT_SOCKET_BUFFER_BYTES, false, QuicConfig.DEFAULT_DATAGRAMS_PER_READ, false, QuicConfig.DEFAULT_GSO_SEGMENTS, false);
        }
        Duration idle = duration(q, "max_idle_timeout", DEFAULT_MAX_IDLE_TIMEOUT, false);
        int frame = (int) q.integer("max_frame_bytes", 1024, 16L * 1024 * 1024, DEFAULT_MAX_FRAME_BYTES);
        Duration connect = duration(q, "connect_timeout", DEFAULT_CONNECT_TIMEOUT, true);
        int loops = (int) q.integer("event_loops", 0, 1024, 0);
        Duration linger = duration(q, "close_after_answer", DEFAULT_CLOSE_AFTER_ANSWER, true);
        int buffers = (int) q.integer("socket_buffer_bytes", 64 * 1024, 256L * 1024 * 1024, DEFAULT_SOCKET_BUFFER_BYTES);
        boolean validation = q.bool("address_validation", false);
        int perRead = (int) q.integer("datagrams_per_read", 1, 64, QuicConfig.DEFAULT_DATAGRAMS_PER_READ);
        boolean gro = q.bool("udp_gro", false);
        int gso = (int) q.integer("gso_segments", 0, 64, QuicConfig.DEFAULT_GSO_SEGMENTS);
        boolean early = q.bool("early_data", false);
        if (gro && perRead > 1 && q.get("datagrams_per_read") != null) {
            // A coalesced read can be 64 KiB, so batched slots would have to be that size each.
            q.get("udp_gro").warn("quic.udp_gro reads one coalesced datagram train per call; quic.datagrams_per_read is ignored while it is on");
        }
        q.finish();
        return new QuicConfig(idle, frame, connect, loops, linger, buffers, validation, perRead, gro, gso, early);
    }

    /**
     * {@code health_checks}, at the top level ({@code defaults} = the built-in ones) or in a pool
     * ({@code defaults} = the top level's): every key that is set overrides, the others inherit.
     */
    static HealthCheckConfig readHealthChecks(ConfigMapping h, HealthCheckConfig defaults, boolean topLevel) throws ConfigException {
        if (h == null) {
            return defaults;
        }
        boolean enabled = h.bool("enabled", defaults.enabled());
        HealthCheckConfig.Probe probe = defaults.probe();
        ConfigNode probeNode = h.get("probe");
        if (probeNode != null) {
            switch (probeNode.string().trim().toLowerCase(java.util.Locale.ROOT)) {
                case "handshake" -> probe = HealthCheckConfig.Probe.HANDSHAKE;
                case "version" -> probe = HealthCheckConfig.Probe.VERSION;
                default -> throw probeNode.error("must be one of: handshake (a QUIC handshake, closed at once), version "
                        + "(a Version Negotiation exchange, no handshake); found \"" + probeNode.string() + "\"");
            }
        }
        Duration interval = duration(h, "interval", defaults.interval(), true);
        Duration timeout = duration(h, "timeout", defaults.timeout(), true);
        int healthy = (int) h.integer("healthy_threshold", 1, 1000, defaults.healthyThreshold());
        int unhealthy = (int) h.integer("unhealthy_threshold", 1, 1000, defaults.unhealthyThreshold());
        Duration jitter = duration(h, "jitter", defaults.jitter(), false);
        List<String> alpn = h.has("alpn") ? h.stringList("alpn") : defaults.alpn();
        for (String a : alpn) {
            if (a.isBlank() || a.length() > 255) {
                throw h.get("alpn").error("each protocol must be 1 to 255 characters, found \"" + a + "\"");
            }
        }
        HealthCheckConfig.AllUnhealthy all = defaults.whenAllUnhealthy();
        ConfigNode allNode = h.get("when_all_unhealthy");
        if (allNode != null) {
            switch (allNode.string().trim().toLowerCase(java.util.Locale.ROOT)) {
                case "panic" -> all = HealthCheckConfig.AllUnhealthy.PANIC;
                case "no_backends" -> all = HealthCheckConfig.AllUnhealthy.NO_BACKENDS;
                default -> throw allNode.error("must be one of: panic (refer among the unhealthy backends anyway), no_backends "
                        + "(answer no_backends); found \"" + allNode.string() + "\"");
            }
        }
        int inFlight = defaults.maxInFlight();
        if (topLevel) {
            inFlight = (int) h.integer("max_in_flight", 1, 100_000, defaults.maxInFlight());
        } else if (h.has("max_in_flight")) {
            throw h.get("max_in_flight").error("is a router-wide bound: set it in the top-level health_checks, not in a pool");
        }
        h.finish();
        if (timeout.compareTo(interval) > 0) {
            throw (h.has("timeout") ? h.get("timeout") : h.node()).error("timeout must not be longer than interval (" + interval.toMillis()
                    + "ms): a backend is checked once at a time");
        }
        return new HealthCheckConfig(enabled, probe, interval, timeout, healthy, unhealthy, jitter, List.copyOf(alpn), all, inFlight);
    }

    /** Reads a Go duration; an empty string keeps the default, as in the original. */
    static Duration duration(ConfigMapping m, String key, Duration fallback, boolean positive) throws ConfigException {
        ConfigNode n = m.get(key);
        if (n == null) {
            return fallback;
        }
        String text = n.string().trim();
        if (text.isEmpty()) {
            return fallback;
        }
        Duration d;
        try {
            d = GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage() + " (use a Go duration such as 500ms, 30s or 1m)");
        }
        if (d.isNegative() || (positive && d.isZero())) {
            throw n.error("must be " + (positive ? "greater than zero" : "zero or more") + ", found " + text);
        }
        return d;
    }

    private static LoggingConfig readLogging(ConfigMapping l, String configFile) throws ConfigException {
        if (l == null) {
            return new LoggingConfig(true, DEFAULT_STATS_INTERVAL, LoggingConfig.STDOUT);
        }
        boolean ip = l.bool("log_client_ip", true);
        Duration stats = duration(l, "stats_interval", DEFAULT_STATS_INTERVAL, false);
        String accessLog = LoggingConfig.STDOUT;
        ConfigNode accessNode = l.get("access_log");
        if (accessNode != null) {
            String text = accessNode.string().trim();
            if (text.isEmpty()) {
                throw accessNode.error("must be stdout, off or a file path");
            }
            String lower = text.toLowerCase(Locale.ROOT);
            accessLog = lower.equals(LoggingConfig.STDOUT) || lower.equals(LoggingConfig.OFF) ? lower
                    : resolveAgainst(configFile, text).toString();
        }
        l.finish();
        return new LoggingConfig(ip, stats, accessLog);
    }

    /**
     * {@code limits}; {@code quic.address_validation: true} (an earlier key of ours) still means
     * {@code limits.retry: always}, with a warning, unless {@code limits.retry} says otherwise.
     */
    private static LimitsConfig readLimits(ConfigMapping l, boolean legacyAddressValidation, ConfigNode quicNode)
            throws ConfigException {
        LimitsConfig.RetryMode legacy = legacyAddressValidation ? LimitsConfig.RetryMode.ALWAYS : LimitsConfig.RetryMode.AUTO;
        if (legacyAddressValidation) {
            quicNode.warn("quic.address_validation is replaced by limits.retry: always (kept working; move it)");
        }
        if (l == null) {
            LimitsConfig d = LimitsConfig.DEFAULTS;
            return new LimitsConfig(d.maxConnections(), d.maxConnectionsPerIp(), d.newConnectionsPerIp(), d.newConnectionsPerIpBurst(),
                    legacy, d.retryThreshold());
        }
        int max = (int) l.integer("max_connections", 0, 100_000_000, LimitsConfig.DEFAULT_MAX_CONNECTIONS);
        int perIp = (int) l.integer("max_connections_per_ip", 0, 100_000_000, LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_IP);
        int rate = (int) l.integer("new_connections_per_ip", 0, 100_000_000, LimitsConfig.DEFAULT_NEW_CONNECTIONS_PER_IP);
        ConfigNode burstNode = l.get("new_connections_per_ip_burst");
        int burst = (int) l.integer("new_connections_per_ip_burst", 1, 100_000_000, LimitsConfig.DEFAULT_NEW_CONNECTIONS_PER_IP_BURST);
        if (burstNode == null && rate > burst) {
            burst = rate; // a raised rate should not be capped by the default burst
        }
        LimitsConfig.RetryMode retry = legacy;
        ConfigNode retryNode = l.get("retry");
        if (retryNode != null) {
            String text = retryNode.string().trim().toLowerCase(Locale.ROOT);
            switch (text) {
                case "never" -> retry = LimitsConfig.RetryMode.NEVER;
                case "always" -> retry = LimitsConfig.RetryMode.ALWAYS;
                case "auto" -> retry = LimitsConfig.RetryMode.AUTO;
                default -> throw retryNode.error("must be never, always or auto, found \"" + retryNode.string() + "\"");
            }
            if (legacyAddressValidation && retry != LimitsConfig.RetryMode.ALWAYS) {
                throw retryNode.error("contradicts quic.address_validation: true (which means always): remove one of them");
            }
        }
        int threshold = (int) l.integer("retry_threshold", 0, 100_000_000, 0);
        int handshakes = (int) l.integer("max_handshakes_in_progress", 0, 100_000_000, LimitsConfig.DEFAULT_MAX_HANDSHAKES_IN_PROGRESS);
        java.time.Duration queueTarget = duration(l, "handshake_queue_target", LimitsConfig.DEFAULT_HANDSHAKE_QUEUE_TARGET, false);
        l.finish();
        return new LimitsConfig(max, perIp, rate, burst, retry, threshold, handshakes, queueTarget);
    }

    private static OperationsConfig readOperations(ConfigMapping admin, ConfigMapping shutdown, ConfigMapping warmup, ParseContext ctx)
            throws ConfigException {
        String adminListen = "";
        AdminToken token = AdminToken.NONE;
        if (admin != null) {
            ConfigNode listenNode = admin.get("listen");
            adminListen = admin.string("listen", "").trim();
            ConfigNode tokenNode = admin.get("token_file");
            admin.string("token_file", "");
            admin.finish();
            if (tokenNode != null && !tokenNode.string().trim().isEmpty()) {
                token = readAdminToken(tokenNode, ctx);
            }
            if (!adminListen.isEmpty()) {
                // The same rules and messages as the QUIC listen address, under admin.listen.
                try {
                    validateListen(adminListen, listenNode, ctx);
                } catch (ConfigException e) {
                    throw ctx.error(listenNode.line(), "admin.listen", e.rule());
                }
            }
        }
        java.time.Duration drain = OperationsConfig.DEFAULT_DRAIN_TIMEOUT;
        if (shutdown != null) {
            drain = duration(shutdown, "drain_timeout", OperationsConfig.DEFAULT_DRAIN_TIMEOUT, false);
            shutdown.finish();
        }
        int warmupSessions = 0;
        java.time.Duration warmupMaxTime = OperationsConfig.DEFAULT_WARMUP_MAX_TIME;
        if (warmup != null) {
            warmupSessions = (int) warmup.integer("sessions", 0, 1_000_000, 0);
            warmupMaxTime = duration(warmup, "max_time", OperationsConfig.DEFAULT_WARMUP_MAX_TIME, true);
            warmup.finish();
        }
        return new OperationsConfig(adminListen, drain, token, warmupSessions, warmupMaxTime);
    }

    /** {@code admin.token_file}: one line, the token; never quoted in a message. */
    private static AdminToken readAdminToken(ConfigNode fileNode, ParseContext ctx) throws ConfigException {
        Path file = resolveAgainst(ctx.file, fileNode.string());
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(OperationsConfig.MAX_TOKEN_FILE_BYTES + 1);
        } catch (IOException e) {
            throw fileNode.error("cannot read the admin token file " + file + ": " + e.getClass().getSimpleName());
        }
        if (bytes.length > OperationsConfig.MAX_TOKEN_FILE_BYTES) {
            throw fileNode.error("the admin token file " + file + " is larger than " + OperationsConfig.MAX_TOKEN_FILE_BYTES
                    + " bytes; it should hold one token");
        }
        String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw fileNode.error("the admin token file " + file + " is empty; write one token (for example 32 random bytes in hex)");
        }
        if (token.length() < 16) {
            throw fileNode.error("the admin token in " + file + " is shorter than 16 characters; use a longer random token");
        }
        if (token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw fileNode.error("the admin token in " + file + " must be one line without spaces or control characters");
        }
        return AdminToken.of(token, file.toString());
    }

    private static ReferralConfig readReferral(ConfigMapping r, ParseContext ctx) throws ConfigException {
        if (r == null) {
            return null;
        }
        int keyId = (int) r.integer("key_id", 0, 255, 0);
        ConfigNode secretNode = r.get("hmac_secret");
        ConfigNode fileNode = r.get("hmac_secret_file");
        HmacSecret secret = null;
        boolean inline = secretNode != null && !secretNode.string().trim().isEmpty();
        boolean fromFile = fileNode != null && !fileNode.string().trim().isEmpty();
        if (inline && fromFile) {
            throw fileNode.error("set either referral.hmac_secret or referral.hmac_secret_file, not both");
        }
        if (inline) {
            try {
                secret = HmacSecret.parse(secretNode.string());
            } catch (IllegalArgumentException e) {
                throw secretNode.error("invalid referral.hmac_secret: " + e.getMessage());
            }
        } else if (fromFile) {
            // Ours: the key from a file (a mounted Kubernetes Secret), so the config itself holds no secret.
            Path file = resolveAgainst(ctx.file, fileNode.string());
            String text;
            byte[] bytes;
            // Bounded: a key is a few dozen bytes, and a path that names a device or a huge file by
            // mistake must be refused, not read until memory runs out.
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
            } catch (IOException e) {
                throw fileNode.error("cannot read the HMAC key file " + file + ": " + e.getClass().getSimpleName());
            }
            if (bytes.length > MAX_KEY_FILE_BYTES) {
                throw fileNode.error("the HMAC key file " + file + " is larger than " + MAX_KEY_FILE_BYTES
                        + " bytes; it should hold one key (hex, base64 or text)");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
            try {
                secret = HmacSecret.parse(text);
            } catch (IllegalArgumentException e) {
                // The message says what is wrong with the format; it never quotes the key.
                throw fileNode.error("invalid HMAC key in " + file + ": " + e.getMessage());
            }
        }
        r.finish();
        return new ReferralConfig(keyId, secret);
    }

    private static MessagesConfig readMessages(ConfigMapping m) throws ConfigException {
        DisconnectTexts base = DEFAULT_DISCONNECT;
        Map<String, DisconnectTexts> locales = null;
        if (m != null) {
            ConfigMapping d = m.mapping("disconnect");
            if (d != null) {
                base = readTexts(d, base);
            }
            ConfigNode localesNode = m.get("disconnect_locales");
            if (localesNode != null && !localesNode.isNull()) {
                locales = new LinkedHashMap<>();
                ConfigMapping lm = localesNode.mapping();
                for (String tag : lm.keys()) {
                    locales.put(tag, readTexts(lm.get(tag).mapping(), null));
                }
            }
            m.finish();
        }
        if (locales == null) {
            locales = builtInLocales();
        }
        return new MessagesConfig(base, Map.copyOf(locales));
    }

    private static DisconnectTexts readTexts(ConfigMapping d, DisconnectTexts defaults) throws ConfigException {
        String noRoute = d.string("no_route", defaults == null ? null : defaults.noRoute());
        String noBackends = d.string("no_backends", defaults == null ? null : defaults.noBackends());
        String routingError = d.string("routing_error", defaults == null ? null : defaults.routingError());
        String discoveryError = d.string("discovery_error", defaults == null ? null : defaults.discoveryError());
        String pluginUnavailable = d.string("plugin_unavailable", defaults == null ? null : defaults.pluginUnavailable());
        d.finish();
        return new DisconnectTexts(noRoute, noBackends, routingError, discoveryError, pluginUnavailable);
    }

    /** The original's translations (de, fr, es, pt, pt-BR, it), used when a config sets none. */
    static Map<String, DisconnectTexts> builtInLocales() {
        String resource = "default-disconnect-locales.yaml";
        try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            ParseContext ctx = new ParseContext(resource, false);
            ConfigMapping lm = new ConfigNode(compose(text, ctx).orElseThrow(), "", ctx).mapping();
            Map<String, DisconnectTexts> out = new LinkedHashMap<>();
            for (String tag : lm.keys()) {
                out.put(tag, readTexts(lm.get(tag).mapping(), null));
            }
            return out;
        } catch (IOException | ConfigException e) {
            throw new IllegalStateException("built-in disconnect translations are unreadable", e);
        }
    }


}
