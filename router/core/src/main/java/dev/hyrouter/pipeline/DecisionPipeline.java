package dev.hyrouter.pipeline;

import dev.hyrouter.util.LogText;
import dev.hyrouter.codec.ConnectLimits;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.messages.DisconnectMessages;
import dev.hyrouter.plugin.ChainResult;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.RoutingEngine;
import dev.hyrouter.routing.RoutingErrorKind;
import dev.hyrouter.routing.RoutingRequest;
import dev.hyrouter.routing.RoutingResult;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one answer path of the router, independent of any transport: SNI, client certificate
 * fingerprint and decoded Connect in; a referral (backend, content) or a disconnect reason out.
 * The QUIC intake, the benchmarks and the tests all drive this class.
 *
 * <p>Order: route on the SNI (and, for whitelist filters, the client identity); when the Connect
 * was decoded and plugins are configured, run the plugin chain asynchronously; then refer to the
 * backend if it has a host, else disconnect with the routing failure's message in the client's
 * language.
 *
 * <p>An undecodable Connect is routed on the SNI alone and, unlike the original, still runs the
 * plugins, with an event that says so and holds only what the handshake established: a deny
 * decision the operator configured (a ban list, a maintenance switch, a whitelist) cannot be
 * walked around by sending bytes the codec cannot read.
 *
 * <p>Thread safe. Without plugins a decision completes on the calling thread and allocates only
 * what a message template needs.
 */
public final class DecisionPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionPipeline.class);

    private final RoutingEngine routing;
    private final PluginChain plugins;
    private final DisconnectMessages messages;
    private final int maxReferralContent;
    // FastThreadLocal: an indexed slot on event-loop threads instead of a ThreadLocal hash lookup.
    private final FastThreadLocal<RoutingResult> scratch = new FastThreadLocal<>() {
        @Override
        protected RoutingResult initialValue() {
            return new RoutingResult();
        }
    };

    /**
     * @param maxReferralContent the largest content the referral envelope can carry
     */
    /** The routing engine this pipeline decides with. */
    public RoutingEngine routing() {
        return routing;
    }

    public DecisionPipeline(RoutingEngine routing, PluginChain plugins, DisconnectMessages messages, int maxReferralContent) {
        this.routing = routing;
        this.plugins = plugins == null ? PluginChain.empty() : plugins;
        this.messages = messages;
        this.maxReferralContent = maxReferralContent;
    }

    public PluginChain plugins() {
        return plugins;
    }

    /**
     * Decides for one connection. Reads {@code request} (and the Connect it holds) before
     * returning, so the caller may release the Connect's buffer afterwards; {@code sink} is called
     * once, now or later.
     */
    public void decide(DecisionRequest request, OutcomeSink sink) {
        decide(request, sink, plugins, false);
    }

    /**
     * {@link #decide(DecisionRequest, OutcomeSink)} through {@code chain}: this pipeline's {@link #plugins()}, or,
     * for a warm-up session of the router's own before ready, its {@link PluginChain#forWarmup} chain with
     * {@code warmup} set, which decides it as a player's except that nothing leaves the process: a pool that
     * allocates a backend per connection is not asked (the session is answered {@code no_backends}) and only
     * the plugins that take part in the warm-up run. For a caller that picks both once per connection, so
     * that its decision path holds no branch on which kind of session it is.
     */
    public void decide(DecisionRequest request, OutcomeSink sink, PluginChain chain, boolean warmup) {
        RoutingResult r = scratch.get();
        routing.decide(request, r);
        String sni = request.sni();
        if (r.pending()) {
            if (warmup) {
                sink.disconnect(OutcomeKind.NO_BACKENDS, "warm-up: no allocation", r.routeIndex());
                return;
            }
            decideAfterAllocation(request, r, sink);
            return;
        }
        if (chain.isEmpty()) {
            // The language is read only if a disconnect needs it: a referral creates no String.
            finish(sink, r.backend(), null, r.error(), r.errorMessage(), r.routeIndex(), request, null, sni);
            return;
        }
        runPlugins(chain, event(request), r, sink, sni);
    }

    /** Runs a plugin chain over a routing result; the sink is called when it completes. */
    private void runPlugins(PluginChain chain, ConnectEvent event, RoutingResult r, OutcomeSink sink, String sni) {
        RoutingErrorKind error = r.error();
        String errorMessage = r.errorMessage();
        int routeIndex = r.routeIndex();
        boolean ok = r.ok();
        chain.run(event, ok ? r.strategy().configName() : "", ok ? r.candidates() : null, ok ? r.selectedIndex() : -1,
                        r.backend())
                .whenComplete((result, failure) -> {
                    if (failure != null) {
                        // The chain never fails by design; answer as if no plugin had run rather than hang.
                        LOG.error("plugin chain failed for sni {}; answering from routing alone", LogText.client(sni), failure);
                        finish(sink, null, null, RoutingErrorKind.ROUTING, "plugin chain failed", routeIndex, null, event.language(), sni);
                        return;
                    }
                    finishChain(sink, result, error, errorMessage, routeIndex, event.language(), sni);
                });
    }

    /**
     * The pool allocates a backend per connection (Agones allocate mode): everything routing and
     * the plugins need is copied out of the request now (its buffer is released when this
     * returns), the allocation runs off the event loop, and the decision continues where it
     * completes; the sink hops back to the connection's loop.
     */
    private void decideAfterAllocation(DecisionRequest request, RoutingResult pending, OutcomeSink sink) {
        String sni = request.sni();
        boolean decoded = request.decoded();
        RoutingRequest copy = RoutingRequest.of(sni, decoded ? request.uuid() : "", decoded ? request.username() : "");
        ConnectEvent event = plugins.isEmpty() ? null : event(request);
        String language = request.language();
        // The loop reuses its scratch result for the next connection: keep a copy of the pending state.
        RoutingResult waiting = pending.copy();
        // The provider logs its failures (rate-limited); here a failure becomes discovery_error.
        routing.discovery().allocate(pending.pendingProvider()).whenComplete((backends, failure) -> {
            RoutingResult r = new RoutingResult();
            try {
                routing.completeAllocation(copy, waiting, backends, failure, r);
            } catch (RuntimeException e) {
                LOG.error("routing over allocated backends failed for sni {}; answering routing_error", LogText.client(sni), e);
                finish(sink, null, null, RoutingErrorKind.ROUTING, "routing failed", waiting.routeIndex(), null, language, sni);
                return;
            }
            if (event == null) {
                finish(sink, r.backend(), null, r.error(), r.errorMessage(), r.routeIndex(), null, language, sni);
                return;
            }
            runPlugins(plugins, event, r, sink, sni);
        });
    }

    private static ConnectEvent event(DecisionRequest request) {
        ConnectView c = request.connect();
        if (c == null) {
            return ConnectEvent.undecodable(request.sni(), request.certificateFingerprint());
        }
        return new ConnectEvent(request.sni(), request.certificateFingerprint(), c.protocolHash(), c.clientType(), c.uuid(),
                c.username(), c.language(), c.identityTokenPresent());
    }

    private void finishChain(OutcomeSink sink, ChainResult result, RoutingErrorKind error, String errorMessage, int routeIndex,
            String language, String sni) {
        if (result.shed()) {
            sink.disconnect(OutcomeKind.SHED, messages.reason(RoutingErrorKind.ROUTING, language, sni, "overloaded"), routeIndex);
            return;
        }
        if (result.failedClosed()) {
            sink.disconnect(OutcomeKind.PLUGIN_UNAVAILABLE, messages.pluginUnavailable(language, sni, result.unavailable().label()), routeIndex);
            return;
        }
        if (result.denied()) {
            sink.disconnect(OutcomeKind.DENIED, result.denyReason(), routeIndex);
            return;
        }
        finish(sink, result.backend(), result.referralContent(), error, errorMessage, routeIndex, null, language, sni);
    }

    /** @param request read for the language when {@code language} is {@code null} (synchronous path only) */
    private void finish(OutcomeSink sink, Backend backend, byte[] content, RoutingErrorKind error, String errorMessage,
            int routeIndex, DecisionRequest request, String knownLanguage, String sni) {
        if (backend != null && !backend.host().isEmpty()) {
            int hostBytes = backend.hostUtf8().length;
            if (hostBytes > ConnectLimits.MAX_HOST || backend.port() < 0 || backend.port() > 0xFFFF) {
                LOG.warn("cannot refer sni {} to {}: host must be at most {} bytes and port 0..65535; disconnecting with the routing error message",
                        LogText.client(sni), LogText.value(backend.toString(), LogText.PLUGIN_CAP), ConnectLimits.MAX_HOST);
                sink.disconnect(OutcomeKind.ROUTING_ERROR,
                        messages.reason(RoutingErrorKind.ROUTING, language(request, knownLanguage), sni, "invalid backend"), routeIndex);
                return;
            }
            byte[] c = content;
            if (c != null && c.length > maxReferralContent) {
                LOG.warn("referral content of {} bytes for sni {} exceeds the envelope limit of {} bytes; sending an empty envelope",
                        c.length, LogText.client(sni), maxReferralContent);
                c = null;
            }
            sink.referral(backend, c == null || c.length == 0 ? null : c, routeIndex);
            return;
        }
        RoutingErrorKind kind = error == null ? RoutingErrorKind.NO_ROUTE : error;
        sink.disconnect(kindOf(kind), messages.reason(kind, language(request, knownLanguage), sni, errorMessage), routeIndex);
    }

    private static String language(DecisionRequest request, String known) {
        return known != null ? known : request.language();
    }

    private static OutcomeKind kindOf(RoutingErrorKind kind) {
        switch (kind) {
            case NO_ROUTE:
                return OutcomeKind.NO_ROUTE;
            case NO_BACKENDS:
                return OutcomeKind.NO_BACKENDS;
            case DISCOVERY:
                return OutcomeKind.DISCOVERY_ERROR;
            default:
                return OutcomeKind.ROUTING_ERROR;
        }
    }
}
