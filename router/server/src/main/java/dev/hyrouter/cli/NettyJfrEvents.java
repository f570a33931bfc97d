package dev.hyrouter.cli;

import java.util.Properties;

/**
 * Netty's allocator events for Java Flight Recorder ({@code io.netty.AllocateChunk} and its
 * siblings). They are disabled in every recording unless one enables them by name, yet Netty
 * registers them with JFR the first time its allocator runs, which makes JFR generate a handler
 * class per event (with its bytecode library, then compiled): 0.15-0.2 s of a router's start-up on
 * one core (perf-reports/loadtest/2026-12-05-warm-start.md, session 23). The router leaves them out
 * unless the operator set {@code io.netty.jfr.enabled}: {@code -Dio.netty.jfr.enabled=true} brings
 * them back for a recording that wants them.
 */
final class NettyJfrEvents {
    static final String PROPERTY = "io.netty.jfr.enabled";

    private NettyJfrEvents() {
    }

    /** Call first in {@code main}: Netty reads the property once, when its first class loads. */
    static void leaveOutUnlessAsked(Properties system) {
        system.putIfAbsent(PROPERTY, "false");
    }
}
