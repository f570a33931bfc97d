package dev.hyrouter.routing;

/**
 * What routing may look at for one connection. Implementations may produce the client fields
 * lazily: routing asks for them only when a whitelist filter needs them.
 */
public interface RoutingRequest {
    /** TLS server name as the client sent it. */
    String sni();

    /** Client UUID (8-4-4-4-12), {@code ""} when the Connect was undecodable. */
    String uuid();

    /** Client username, {@code ""} when the Connect was undecodable. */
    String username();

    /** A request carrying only an SNI. */
    static RoutingRequest ofSni(String sni) {
        return of(sni, "", "");
    }

    /** A request with fixed values. */
    static RoutingRequest of(String sni, String uuid, String username) {
        return new RoutingRequest() {
            @Override
            public String sni() {
                return sni;
            }

            @Override
            public String uuid() {
                return uuid;
            }

            @Override
            public String username() {
                return username;
            }
        };
    }
}
