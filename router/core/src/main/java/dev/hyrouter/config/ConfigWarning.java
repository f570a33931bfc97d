package dev.hyrouter.config;

/**
 * Something the router accepts (as the original does) but an operator should look at, such as
 * an unknown key that the original would silently ignore.
 */
public final class ConfigWarning {
    private final String file;
    private final int line;
    private final String keyPath;
    private final String message;

    public ConfigWarning(String file, int line, String keyPath, String message) {
        this.file = file;
        this.line = line;
        this.keyPath = keyPath;
        this.message = message;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String keyPath() {
        return keyPath;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return ConfigException.format(file, line, keyPath, message);
    }
}
