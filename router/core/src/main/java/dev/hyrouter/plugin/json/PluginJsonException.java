package dev.hyrouter.plugin.json;

/** A plugin document that is not valid JSON of the expected shape. */
public final class PluginJsonException extends Exception {
    public PluginJsonException(String message) {
        super(message, null, false, false);
    }
}
