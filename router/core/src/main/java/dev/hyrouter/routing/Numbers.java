package dev.hyrouter.routing;

/** Number parsing that accepts what Go's {@code strconv.ParseFloat} accepts for metadata values. */
final class Numbers {
    private Numbers() {
    }

    /** The value, or {@link Double#NaN} when it is not a plain decimal or special number. */
    static double parse(String s) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        String t = s;
        int sign = 1;
        char first = t.charAt(0);
        if (first == '+' || first == '-') {
            sign = first == '-' ? -1 : 1;
            t = t.substring(1);
        }
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        // Java's parser also takes white space, 'd'/'f' suffixes and hex forms; refuse those
        // so that a value Go rejects is "missing" here too.
        boolean digit = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
                return Double.NaN;
            }
        }
        if (!digit) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
