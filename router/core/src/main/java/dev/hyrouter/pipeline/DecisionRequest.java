package dev.hyrouter.pipeline;

import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.routing.RoutingRequest;

/**
 * The input of one decision: the TLS server name, the client certificate fingerprint and the
 * decoded Connect (or none, when it was undecodable). Mutable and reusable: a stream handler
 * fills it, calls {@link DecisionPipeline#decide}, and may reuse it as soon as that returns.
 * Not thread safe.
 */
public final class DecisionRequest implements RoutingRequest {
    private String sni = "";
    private String certificateFingerprint = "";
    private ConnectView connect;

    /** Sets the request; {@code connect} is {@code null} or not decoded for an undecodable Connect. */
    public DecisionRequest set(String sni, String certificateFingerprint, ConnectView connect) {
        this.sni = sni == null ? "" : sni;
        this.certificateFingerprint = certificateFingerprint == null ? "" : certificateFingerprint;
        this.connect = connect != null && connect.decoded() ? connect : null;
        return this;
    }

    @Override
    public String sni() {
        return sni;
    }

    public String certificateFingerprint() {
        return certificateFingerprint;
    }

    /** The decoded Connect, or {@code null} when it was undecodable. */
    public ConnectView connect() {
        return connect;
    }

    public boolean decoded() {
        return connect != null;
    }

    @Override
    public String uuid() {
        return connect == null ? "" : connect.uuid();
    }

    @Override
    public String username() {
        return connect == null ? "" : connect.username();
    }

    /** The client's language tag, {@code ""} when unknown. */
    public String language() {
        return connect == null ? "" : connect.language();
    }
}
