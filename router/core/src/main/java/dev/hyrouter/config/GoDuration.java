package dev.hyrouter.config;

import java.time.Duration;

/**
 * Durations written as Go's {@code time.ParseDuration} reads them: a signed sequence of decimal
 * numbers with units {@code ns us µs ms s m h}, such as {@code 300ms}, {@code 1.5h} or
 * {@code 2h45m}; {@code 0} needs no unit.
 */
public final class GoDuration {
    private GoDuration() {
    }

    /** @throws IllegalArgumentException with the reason */
    public static Duration parse(String text) {
        String s = text == null ? "" : text;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"\"");
        }
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            i++;
        }
        if (s.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == s.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        double totalNanos = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            long scale = unitNanos(unit);
            if (scale == 0) {
                throw new IllegalArgumentException(unit.isEmpty()
                        ? "missing unit in duration \"" + text + "\""
                        : "unknown unit \"" + unit + "\" in duration \"" + text + "\"");
            }
            totalNanos += Double.parseDouble(number) * scale;
        }
        if (totalNanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (overflow)");
        }
        long nanos = Math.round(totalNanos);
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    private static long unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return 1L;
            case "us":
            case "µs":
            case "μs":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            default:
                return 0;
        }
    }
}
