package dev.hyrouter.config;

/**
 * A configuration the router refuses to start with. The message names the file, the line
 * where the parser can tell, the key path (e.g. {@code routing.routes[2].pool.strategy}) and the
 * rule broken, and never contains a secret.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String keyPath;
    private final String rule;

    public ConfigException(String file, int line, String keyPath, String rule) {
        super(format(file, line, keyPath, rule), null, false, false);
        this.file = file;
        this.line = line;
        this.keyPath = keyPath;
        this.rule = rule;
    }

    static String format(String file, int line, String keyPath, String rule) {
        StringBuilder b = new StringBuilder();
        b.append(file == null ? "<config>" : file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (keyPath != null && !keyPath.isEmpty()) {
            b.append(keyPath).append(": ");
        }
        b.append(rule);
        return b.toString();
    }

    public String file() {
        return file;
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    public String keyPath() {
        return keyPath;
    }

    public String rule() {
        return rule;
    }
}
