package dev.hyrouter.routing;

import java.util.Locale;

/** Normalisation of enumerated config words: trimmed, lowercase, {@code -} read as {@code _}. */
public final class Names {
    private Names() {
    }

    public static String normalize(String s) {
        if (s == null) {
            return "";
        }
        return s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
