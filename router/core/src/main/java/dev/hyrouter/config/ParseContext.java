package dev.hyrouter.config;

import java.util.ArrayList;
import java.util.List;

/** State of one config load: the file's name, its format, and the warnings collected. */
final class ParseContext {
    final String file;
    final boolean json;
    final List<ConfigWarning> warnings = new ArrayList<>();

    ParseContext(String file, boolean json) {
        this.file = file;
        this.json = json;
    }

    ConfigException error(int line, String path, String rule) {
        return new ConfigException(file, line, path, rule);
    }

    void warn(int line, String path, String message) {
        warnings.add(new ConfigWarning(file, line, path, message));
    }
}
