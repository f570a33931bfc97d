package dev.hyrouter.plugins.wasm;

/** A module that cannot serve as a plugin, or a call that failed; the message is for an operator. */
public final class WasmPluginException extends Exception {
    public WasmPluginException(String message) {
        super(message, null, false, false);
    }
}
