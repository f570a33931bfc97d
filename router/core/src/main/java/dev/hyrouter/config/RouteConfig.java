package dev.hyrouter.config;

import java.util.List;

/**
 * One route: its hostname patterns ({@code match.hostnames}, or {@code match.hostname} when
 * that list is empty) and its pool.
 */
public record RouteConfig(List<String> hostnames, PoolConfig pool) {
}
