package dev.hyrouter.loadtest.gatling;

import dev.hyrouter.codec.ServerAnswer;

/** What a session's answer must be: {@code referralTo("play.hyvane.com", 5520)}, {@code disconnect()}, {@code anyAnswer()}. */
public final class HytaleChecks {
    private HytaleChecks() {
    }

    /** A check of the answer: {@code null} when it holds, else the failure's kind and detail. */
    @FunctionalInterface
    public interface AnswerCheck {
        String failure(ServerAnswer answer);
    }

    public static AnswerCheck referralTo(String host, int port) {
        return a -> {
            if (!a.isReferral()) {
                return "unexpected Disconnect: " + a.reason();
            }
            if (!a.host().equals(host) || a.port() != port) {
                return "wrong referral: " + a.host() + ":" + a.port() + " instead of " + host + ":" + port;
            }
            return null;
        };
    }

    public static AnswerCheck anyReferral() {
        return a -> a.isReferral() ? null : "unexpected Disconnect: " + a.reason();
    }

    public static AnswerCheck disconnect() {
        return a -> a.isReferral() ? "wrong referral: " + a.host() + ":" + a.port() + " instead of a Disconnect" : null;
    }

    public static AnswerCheck anyAnswer() {
        return a -> null;
    }
}
