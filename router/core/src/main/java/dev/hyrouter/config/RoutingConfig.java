package dev.hyrouter.config;

import java.util.List;

/** {@code routing}: ordered routes and the optional {@code default} pool ({@code null} = none). */
public record RoutingConfig(PoolConfig defaultPool, List<RouteConfig> routes) {
}
