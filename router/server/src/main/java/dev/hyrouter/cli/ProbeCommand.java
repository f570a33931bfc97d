package dev.hyrouter.cli;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.ClosedLoop;
import dev.hyrouter.client.DatagramCounter;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.config.GoDuration;
import dev.hyrouter.envelope.EnvelopeException;
import dev.hyrouter.envelope.EnvelopeVerifier;
import dev.hyrouter.envelope.HmacSecret;
import dev.hyrouter.envelope.ReferralEnvelope;
import dev.hyrouter.util.LogText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * {@code hyrouter probe}: connects to a router as a Hytale client and prints one JSON line. One
 * session by default (outcome, decoded envelope with its signature checked when a secret is
 * given, timings); with {@code --count}, a quick load check reporting sessions/s and latency
 * percentiles from an HdrHistogram.
 */
final class ProbeCommand {
    private static final Set<String> FLAGS = Set.of("target", "sni", "username", "uuid", "language", "layout", "alpn",
            "hmac-secret", "count", "concurrency", "timeout", "log-level", "handshake", "qlog");

    private ProbeCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = Args.parse(args, FLAGS);
        Logging.setLevel(a.get("log-level", "warn"));
        if (!a.has("target")) {
            throw new Args.UsageException("probe needs --target HOST:PORT");
        }
        InetSocketAddress target = target(a.get("target", ""));
        String sni = a.get("sni", target.getHostString());
        if (sni.indexOf('.') <= 0) {
            err.println("note: the TLS stack sends no SNI for \"" + sni + "\" (a name without a dot or an IP address); "
                    + "the router will see an empty server name");
        }
        ConnectView.Layout layout = switch (a.get("layout", "v2").toLowerCase()) {
            case "v1" -> ConnectView.Layout.V1;
            case "v2" -> ConnectView.Layout.V2;
            default -> throw new Args.UsageException("--layout must be v1 or v2");
        };
        Duration timeout;
        try {
            timeout = GoDuration.parse(a.get("timeout", "5s"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--timeout: " + e.getMessage());
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(a.get("uuid", "00000000-0000-0000-0000-000000000001"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--uuid must be a UUID such as 11111111-2222-3333-4444-555555555555");
        }
        ConnectFields fields = ConnectFields.defaults()
                .withUsername(a.get("username", "probe"))
                .withLanguage(a.get("language", "en-US"))
                .withUuid(uuid)
                .withProtocolHash(layout == ConnectView.Layout.V1 ? "0".repeat(64) : "hyrouter-probe");
        ClientRequest request = ClientRequest.to(target, sni).withLayout(layout).withFields(fields).withTimeout(timeout)
                .withAlpn(Arrays.asList(a.get("alpn", "hytale/2").split(",")));
        request = request.withHandshake(switch (a.get("handshake", "full").toLowerCase()) {
            case "full" -> ClientRequest.Handshake.FULL;
            case "resume" -> ClientRequest.Handshake.RESUME;
            case "0rtt", "early-data" -> ClientRequest.Handshake.EARLY_DATA;
            default -> throw new Args.UsageException("--handshake must be full (every session a full TLS handshake), "
                    + "resume (keep the router's tickets) or 0rtt (resume and send the Connect as early data)");
        });
        HmacSecret secret = null;
        if (a.has("hmac-secret")) {
            try {
                secret = HmacSecret.parse(a.get("hmac-secret", ""));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--hmac-secret: " + e.getMessage());
            }
        }
        int count = a.intValue("count", 1);
        int concurrency = Math.max(1, a.intValue("concurrency", 1));
        if (count < 1) {
            throw new Args.UsageException("--count must be at least 1");
        }
        try (HytaleClient client = HytaleClient.create(Math.min(concurrency, Math.max(1, Runtime.getRuntime().availableProcessors())))) {
            if (a.has("qlog")) {
                Path dir = Path.of(a.get("qlog", ""));
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new Args.UsageException("--qlog: cannot create directory " + dir + ": " + e.getMessage());
                }
                client.qlogTo(dir);
            }
            if (!a.has("count")) {
                return single(client, request, secret, out);
            }
            return load(client, request, count, concurrency, secret, out);
        }
    }

    private static InetSocketAddress target(String text) throws Args.UsageException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new Args.UsageException("--target must be HOST:PORT");
        }
        try {
            String host = text.substring(0, colon).replace("[", "").replace("]", "");
            return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--target must be HOST:PORT");
        }
    }

    private static int single(HytaleClient client, ClientRequest request, HmacSecret secret, PrintStream out) {
        Json j = new Json().field("target", request.target().getHostString() + ":" + request.target().getPort())
                .field("sni", request.sni());
        try {
            SessionResult r = client.run(request).get(request.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            ServerAnswer answer = r.answer();
            j.field("alpn", r.alpn());
            if (answer.isReferral()) {
                j.field("outcome", "referral").field("host", answer.host()).field("port", answer.port());
                j.raw("envelope", envelope(answer.data(), secret));
            } else {
                j.field("outcome", "disconnect").field("reason", answer.reason());
            }
            j.field("resumed", r.resumed()).field("early_data_offered", r.earlyData());
            j.field("handshake_ms", r.handshakeNanos() / 1e6).field("response_ms", r.responseNanos() / 1e6)
                    .field("total_ms", r.totalNanos() / 1e6);
            out.println(j);
            return 0;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            out.println(j.field("outcome", "error").field("error", String.valueOf(cause.getMessage())));
            return 1;
        }
    }

    private static String envelope(byte[] data, HmacSecret secret) {
        if (data == null) {
            return "null";
        }
        Json e = new Json();
        try {
            ReferralEnvelope env = ReferralEnvelope.parse(data);
            e.field("version", env.version()).field("key_id", env.keyId()).field("signed", env.signed())
                    .field("content_base64", Base64.getEncoder().encodeToString(env.content()));
            if (secret == null) {
                e.field("signature", env.signed() ? "unchecked" : "none");
            } else {
                try {
                    EnvelopeVerifier.withSecret(secret).verify(data);
                    e.field("signature", "valid");
                } catch (EnvelopeException ex) {
                    e.field("signature", "invalid").field("signature_error", ex.getMessage());
                }
            }
        } catch (EnvelopeException ex) {
            e.field("error", ex.getMessage());
        }
        return e.toString();
    }

    private static final int MAX_FAILURE_KINDS = 16;
    /** The reason the router's CONNECTION_CLOSE carries when a per-address limit refused the client. */
    private static final String PER_ADDRESS_REASON = "too many connections from your address";

    /** Why a session failed, as the probe reports it: the router's refusal with its reason, or what the client saw. */
    static String failureKind(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof dev.hyrouter.client.ServerClosedException closed) {
            // The reason is the server's text: bounded, and nothing in it can drive a terminal.
            return (closed.refused() ? "refused: " : "closed by the server: ") + LogText.controls(closed.reason(), 80);
        }
        if (c instanceof java.util.concurrent.TimeoutException) {
            return "timed out";
        }
        String m = String.valueOf(c.getMessage());
        if (m.contains("handshake")) {
            return "handshake failed";
        }
        return "stream error";
    }

    private static int load(HytaleClient client, ClientRequest request, int count, int concurrency, HmacSecret secret, PrintStream out) {
        Histogram latency = new Histogram(60_000_000_000L, 3);
        LongAdder referrals = new LongAdder();
        LongAdder disconnects = new LongAdder();
        LongAdder failures = new LongAdder();
        java.util.concurrent.ConcurrentHashMap<String, LongAdder> failureKinds = new java.util.concurrent.ConcurrentHashMap<>();
        LongAdder badEnvelopes = new LongAdder();
        LongAdder resumed = new LongAdder();
        LongAdder early = new LongAdder();
        EnvelopeVerifier verifier = secret == null ? null : EnvelopeVerifier.withSecret(secret);
        DatagramCounter.Totals before = client.datagrams();
        long start = System.nanoTime();
        ClosedLoop.run(count, concurrency, () -> client.run(request), (SessionResult r, Throwable e, long nanos) -> {
            if (e != null) {
                failures.increment();
                String kind = failureKind(e);
                // Bounded: a router's reasons are few, but the text comes from the other side.
                if (failureKinds.size() >= MAX_FAILURE_KINDS && !failureKinds.containsKey(kind)) {
                    kind = "other";
                }
                failureKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
            } else {
                (r.answer().isReferral() ? referrals : disconnects).increment();
                if (r.resumed()) {
                    resumed.increment();
                }
                if (r.earlyData()) {
                    early.increment();
                }
                if (verifier != null && r.answer().isReferral()) {
                    try {
                        verifier.verify(r.answer().data());
                    } catch (EnvelopeException bad) {
                        badEnvelopes.increment();
                    }
                }
                synchronized (latency) {
                    latency.recordValue(Math.min(r.totalNanos(), 60_000_000_000L));
                }
            }
        }).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long ok = referrals.sum() + disconnects.sum();
        // The last sessions' closing packets leave after their results: let them go before counting.
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DatagramCounter.Totals after = client.datagrams();
        Json j = new Json().field("target", request.target().getHostString() + ":" + request.target().getPort())
                .field("sni", request.sni()).field("sessions", count).field("concurrency", concurrency)
                .field("referrals", referrals.sum()).field("disconnects", disconnects.sum()).field("failed", failures.sum())
                .field("handshake", request.handshake().name().toLowerCase()).field("resumed", resumed.sum())
                .field("early_data_offered", early.sum());
        if (verifier != null) {
            j.field("envelopes_invalid", badEnvelopes.sum()); // unsigned, malformed or signed with another key
        }
        if (failures.sum() > 0) {
            Json kinds = new Json();
            new java.util.TreeMap<>(failureKinds).forEach((k, v) -> kinds.field(k, v.sum()));
            j.raw("failures", kinds.toString());
            if (failureKinds.containsKey("refused: " + PER_ADDRESS_REASON)) {
                j.field("hint", "the router's per-address limits (limits.new_connections_per_ip, limits.max_connections_per_ip) refused "
                        + "sessions from this one address; for a load test from one machine set them to 0 in the router's config");
            }
        }
        j.field("elapsed_s", seconds).field("sessions_per_s", ok / seconds);
        // Per session, seen from this client: "sent" is what the router received, and the reverse.
        j.raw("datagrams_per_session", new Json().field("sent", (double) (after.sent() - before.sent()) / count)
                .field("received", (double) (after.received() - before.received()) / count)
                .field("bytes_sent", (double) (after.sentBytes() - before.sentBytes()) / count)
                .field("bytes_received", (double) (after.receivedBytes() - before.receivedBytes()) / count).toString());
        synchronized (latency) {
            j.raw("session_latency_ms", new Json().field("p50", latency.getValueAtPercentile(50) / 1e6)
                    .field("p90", latency.getValueAtPercentile(90) / 1e6).field("p99", latency.getValueAtPercentile(99) / 1e6)
                    .field("p999", latency.getValueAtPercentile(99.9) / 1e6).field("max", latency.getMaxValue() / 1e6).toString());
        }
        out.println(j);
        return failures.sum() == 0 && badEnvelopes.sum() == 0 ? 0 : 1;
    }
}
