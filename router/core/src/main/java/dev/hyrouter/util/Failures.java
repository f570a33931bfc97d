package dev.hyrouter.util;

import java.util.concurrent.CompletionException;

/** The failure behind a future's wrapper, and a one-line description of it for a log line or an answer. */
public final class Failures {
    private Failures() {
    }

    /** {@code e} without the {@link CompletionException}s that futures wrap it in. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code SimpleClassName: first line of the message} of the unwrapped failure. */
    public static String describe(Throwable e) {
        Throwable t = unwrap(e);
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("");
    }
}
