package dev.hyrouter.routing;

/**
 * A compiled key for sort, compare and the load-aware strategies: {@code host}, {@code port},
 * {@code weight}, {@code label:<k>} (meta {@code label.<k>}), {@code annotation:<k>},
 * {@code counter:<k>}, or any other text as a raw meta key. Immutable.
 */
public final class BackendKey {
    private enum Source {
        HOST,
        PORT,
        WEIGHT,
        META
    }

    private final Source source;
    private final String metaKey;
    private final String text;

    private BackendKey(Source source, String metaKey, String text) {
        this.source = source;
        this.metaKey = metaKey;
        this.text = text;
    }

    public static BackendKey parse(String key) {
        String k = key == null ? "" : key.trim();
        switch (k) {
            case "host":
                return new BackendKey(Source.HOST, null, k);
            case "port":
                return new BackendKey(Source.PORT, null, k);
            case "weight":
                return new BackendKey(Source.WEIGHT, null, k);
            default:
                break;
        }
        String meta = k;
        if (k.startsWith("label:")) {
            meta = "label." + k.substring("label:".length()).trim();
        } else if (k.startsWith("annotation:")) {
            meta = "annotation." + k.substring("annotation:".length()).trim();
        } else if (k.startsWith("counter:")) {
            meta = "counter." + k.substring("counter:".length()).trim();
        }
        return new BackendKey(Source.META, meta, k);
    }

    /** The value as text, {@code null} when missing (empty counts as missing). */
    public String text(Backend b) {
        String raw;
        switch (source) {
            case HOST:
                raw = b.host();
                break;
            case PORT:
                return Integer.toString(b.port());
            case WEIGHT:
                return Integer.toString(b.weight());
            default:
                raw = b.metaValue(metaKey);
                break;
        }
        return raw.isEmpty() ? null : raw;
    }

    /** The value as a number, {@link Double#NaN} when missing or not numeric. */
    public double number(Backend b) {
        switch (source) {
            case PORT:
                return b.port();
            case WEIGHT:
                return b.weight();
            case META:
                return b.metaNumber(metaKey);
            default:
                String raw = text(b);
                return raw == null ? Double.NaN : Numbers.parse(raw);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
