package dev.hyrouter.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code hyrouter} command. Without a subcommand it runs the router, with the original's
 * flags {@code -config} (default {@code config.yaml}) and {@code -log-level}; {@code validate}
 * checks a config; {@code probe} connects as a Hytale client and reports what the router answers.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "Usage:",
            "  hyrouter [-config config.yaml] [-log-level debug|info|warn|error]   run the router",
            "  hyrouter validate <config>                                          check a config file and exit",
            "  hyrouter probe --target HOST:PORT --sni NAME [options]              connect as a Hytale client",
            "  hyrouter plugin call (--wasm FILE | --grpc HOST:PORT) [options]     send a plugin the router's request, check its answer",
            "",
            "probe options:",
            "  --username U --uuid ID --language L --layout v1|v2 --alpn A[,B] --hmac-secret S --timeout 5s",
            "  --count N --concurrency C     run N sessions, C at a time, and report sessions/s and latency percentiles",
            "  --handshake full|resume|0rtt  full TLS handshakes (default), resume with the router's tickets,",
            "                                or resume and send the Connect as 0-RTT early data",
            "  --qlog DIR                    write each session's qlog (every packet and frame, the client's view) into DIR",
            "",
            "plugin call options:",
            "  --sni NAME --username U --uuid ID --language L   the connection (defaults: play.example.com, player)",
            "  --candidates HOST:PORT,...    the pool the router routes with (default play.example.com:5520),",
            "  --config FILE                 or the routing of a config file (static backends),",
            "  --request FILE.json           or a request as JSON (the plugin contract's ConnectRequest)",
            "  --count N                     N calls: latency percentiles, and for WASM memory growth",
            "  --timeout 1s                  the call's budget, as plugins[].timeout");

    private Main() {
    }

    public static void main(String[] args) {
        if (runsTheRouter(args)) {
            // Not for the other commands: they never bind listeners, so nothing would put C2 back.
            BootCompilerPriority.lowerIfAsked(System.getProperty(BootCompilerPriority.PROPERTY));
        }
        DirectBuffers.preferNoCleaner(System.getProperties());
        NettyJfrEvents.leaveOutUnlessAsked(System.getProperties());
        int code = run(Arrays.asList(args), System.out, System.err);
        if (code != RunCommand.KEEP_RUNNING) {
            Logging.flush();
            System.exit(code);
        }
    }

    static boolean runsTheRouter(String[] args) {
        return args.length == 0 || !List.of("validate", "probe", "plugin").contains(args[0]);
    }

    /** Runs a command; returns the exit status ({@link RunCommand#KEEP_RUNNING} when the router runs on). */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            if (!args.isEmpty() && args.get(0).equals("validate")) {
                return ValidateCommand.run(args.subList(1, args.size()), out, err);
            }
            if (!args.isEmpty() && args.get(0).equals("probe")) {
                return ProbeCommand.run(args.subList(1, args.size()), out, err);
            }
            if (!args.isEmpty() && args.get(0).equals("plugin")) {
                return PluginCommand.run(args.subList(1, args.size()), out, err);
            }
            if (!args.isEmpty() && (args.get(0).equals("run") || args.get(0).equals("serve"))) {
                return RunCommand.run(args.subList(1, args.size()), err);
            }
            return RunCommand.run(args, err);
        } catch (Args.UsageException e) {
            if (e.getMessage() != null) {
                err.println(e.getMessage());
            }
            err.println(USAGE);
            return 2;
        }
    }
}
