package dev.hyrouter.loadtest.gatling;

import dev.hyrouter.codec.ConnectView;
import io.gatling.javaapi.core.ActionBuilder;
import java.util.function.Function;

/**
 * The DSL of one Hytale session, in Gatling's style:
 * <pre>protocol.hytale("join").sni("#{sni}").username("#{user}").uuid("#{uuid}").layout(V2).check(referralTo("host", 5520))</pre>
 * Values are literals or Gatling expressions of one session attribute ({@code "#{name}"}).
 */
public final class HytaleRequestBuilder implements ActionBuilder {
    final HytaleProtocol protocol;
    final String name;
    Function<io.gatling.javaapi.core.Session, String> sni = s -> "play.localhost";
    Function<io.gatling.javaapi.core.Session, String> username = s -> "Player";
    Function<io.gatling.javaapi.core.Session, String> uuid = null;
    Function<io.gatling.javaapi.core.Session, String> language = s -> "en-US";
    ConnectView.Layout layout = ConnectView.Layout.V2;
    HytaleChecks.AnswerCheck check = HytaleChecks.anyAnswer();

    HytaleRequestBuilder(HytaleProtocol protocol, String name) {
        this.protocol = protocol;
        this.name = name;
    }

    public HytaleRequestBuilder sni(String expression) {
        sni = expression(expression);
        return this;
    }

    public HytaleRequestBuilder username(String expression) {
        username = expression(expression);
        return this;
    }

    public HytaleRequestBuilder uuid(String expression) {
        uuid = expression(expression);
        return this;
    }

    public HytaleRequestBuilder language(String expression) {
        language = expression(expression);
        return this;
    }

    public HytaleRequestBuilder layout(ConnectView.Layout v) {
        layout = v;
        return this;
    }

    public HytaleRequestBuilder check(HytaleChecks.AnswerCheck v) {
        check = v;
        return this;
    }

    /** {@code "#{attr}"} reads a session attribute; anything else is a literal. */
    static Function<io.gatling.javaapi.core.Session, String> expression(String text) {
        if (text.startsWith("#{") && text.endsWith("}") && text.indexOf('}') == text.length() - 1) {
            String key = text.substring(2, text.length() - 1);
            return s -> {
                String v = s.getString(key);
                if (v == null) {
                    throw new IllegalStateException("no session attribute " + key + " (feed it first)");
                }
                return v;
            };
        }
        return s -> text;
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return new HytaleActionBuilder(this);
    }
}
