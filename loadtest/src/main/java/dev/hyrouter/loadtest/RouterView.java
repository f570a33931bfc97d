package dev.hyrouter.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The router's own latency histograms as a load client sees them between two moments: scrape
 * {@code /metrics}, scrape again, and the p99 of what happened in between is the smallest bucket
 * bound holding 99 % of the new samples. The client's latency includes its own delays (its
 * collections, its scheduler); these do not, so a slow stretch of a run can be told the router's
 * or the client's. The rule is the one {@code hist_delta} in loadtest/kinds/saturation.sh applies
 * to the same histograms (the smallest bound whose new count reaches 99 % of the new total); a
 * change to one belongs in the other.
 */
final class RouterView {
    static final String HANDSHAKE = "hyrouter_handshake_latency_seconds";
    static final String ANSWER = "hyrouter_answer_latency_seconds";

    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpRequest request;

    RouterView(URI metrics) {
        this.request = HttpRequest.newBuilder(metrics).build();
    }

    /** One scrape's text; a failed scrape is an empty one (its bucket then reads "null"). */
    Scrape scrape() {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Scrape(r.statusCode() == 200 ? r.body() : "");
        } catch (IOException e) {
            return new Scrape("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape("");
        }
    }

    /** A scrape's exposition text. */
    record Scrape(String text) {
        /** Cumulative counts of {@code histogram}'s buckets by upper bound (seconds), summed over label sets. */
        TreeMap<Double, Double> buckets(String histogram) {
            TreeMap<Double, Double> out = new TreeMap<>();
            String prefix = histogram + "_bucket{";
            for (String line : text.split("\n")) {
                if (!line.startsWith(prefix)) {
                    continue;
                }
                int le = line.indexOf("le=\"");
                int close = line.lastIndexOf('}');
                if (le < 0 || close < le) {
                    continue;
                }
                String bound = line.substring(le + 4, line.indexOf('"', le + 4));
                double upper = "+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                String[] value = line.substring(close + 1).trim().split(" ");
                out.merge(upper, Double.parseDouble(value[0]), Double::sum);
            }
            return out;
        }
    }

    /**
     * The p99 of {@code histogram}'s samples between two scrapes as a bucket bound in milliseconds
     * ("inf" when it lies in the open top bucket), or {@code null} when no sample came between them.
     */
    static String p99BoundMs(Scrape before, Scrape after, String histogram) {
        TreeMap<Double, Double> b = before.buckets(histogram);
        TreeMap<Double, Double> a = after.buckets(histogram);
        double total = a.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - b.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return "null";
        }
        for (Map.Entry<Double, Double> e : a.entrySet()) {
            double within = e.getValue() - b.getOrDefault(e.getKey(), 0.0);
            if (within >= 0.99 * total) {
                return e.getKey().isInfinite() ? "\"inf\"" : String.format(Locale.ROOT, "%g", e.getKey() * 1e3);
            }
        }
        return "\"inf\"";
    }
}
