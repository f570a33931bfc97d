package dev.hyrouter.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags in the style of Go's {@code flag} package, which the original uses:
 * {@code -name value}, {@code --name value}, {@code -name=value} and {@code --name=value}; the
 * rest are positional arguments.
 */
final class Args {
    private final Map<String, String> flags = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param known flag names that take a value
     * @throws UsageException for an unknown flag or a flag without its value
     */
    static Args parse(List<String> args, Set<String> known) throws UsageException {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                a.positional.add(arg);
                continue;
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            if (name.equals("h") || name.equals("help")) {
                throw new UsageException(null);
            }
            if (!known.contains(name)) {
                throw new UsageException("flag provided but not defined: -" + name);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("flag needs an argument: -" + name);
                }
                value = args.get(++i);
            }
            a.flags.put(name, value);
        }
        return a;
    }

    String get(String name, String fallback) {
        return flags.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return flags.containsKey(name);
    }

    int intValue(String name, int fallback) throws UsageException {
        String v = flags.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value \"" + v + "\" for flag -" + name + ": not a number");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** A usage error: the message (or {@code null} for plain help) goes to stderr with the usage text. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
