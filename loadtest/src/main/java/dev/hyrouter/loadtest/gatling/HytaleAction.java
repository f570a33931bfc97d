package dev.hyrouter.loadtest.gatling;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.ServerClosedException;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.util.LogText;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import scala.Option;

/**
 * One Hytale session per virtual user passing through: QUIC handshake, Connect, one answer. The
 * QUIC work runs on the shared client's event loops; this never blocks a Gatling thread, and the
 * user moves on from its own event loop when the answer (or the failure) arrives. Two requests
 * are reported: {@code NAME handshake} and {@code NAME connect→answer}; failures carry their kind
 * (handshake failed, timeout, unexpected Disconnect, wrong referral, stream error).
 */
final class HytaleAction implements Action {
    private static final String HANDSHAKE_FAILED = "handshake failed";
    /** The router's admission control answered (a CONNECTION_CLOSE with CONNECTION_REFUSED and its reason, e.g. "server busy"). */
    private static final String REFUSED = "refused at the door: ";
    private final HytaleRequestBuilder request;
    private final StatsEngine stats;
    private final Action next;
    private final String handshakeName;
    private final String answerName;
    private com.typesafe.scalalogging.Logger logger;

    HytaleAction(HytaleRequestBuilder request, StatsEngine stats, Action next) {
        this.request = request;
        this.stats = stats;
        this.next = next;
        this.handshakeName = request.name + " handshake";
        this.answerName = request.name + " connect→answer";
        // What Scala's trait initialisation would do: Gatling's Action carries a logger.
        com.typesafe.scalalogging.StrictLogging.$init$(this);
    }

    @Override
    public String name() {
        return request.name;
    }

    @Override
    public void execute(Session session) {
        ClientRequest r;
        try {
            io.gatling.javaapi.core.Session js = new io.gatling.javaapi.core.Session(session);
            ConnectFields fields = ConnectFields.defaults().withUsername(request.username.apply(js)).withLanguage(request.language.apply(js));
            if (request.uuid != null) {
                fields = fields.withUuid(UUID.fromString(request.uuid.apply(js)));
            }
            r = ClientRequest.to(request.protocol.targetAddress(), request.sni.apply(js)).withLayout(request.layout).withFields(fields)
                    .withTimeout(request.protocol.timeout());
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            report(session, handshakeName, now, now, "bad request: " + e.getMessage());
            next.execute(session.markAsFailed());
            return;
        }
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        request.protocol.client().run(r).whenComplete((result, error) -> {
            long endMillis = System.currentTimeMillis();
            String failure = error != null ? kind(error) : request.check.failure(result.answer());
            if (error != null) {
                // A failed session is reported once, under the step that failed.
                report(session, failure.equals(HANDSHAKE_FAILED) || failure.startsWith(REFUSED) ? handshakeName : answerName, startMillis,
                        endMillis, failure);
            } else {
                long handshakeEnd = startMillis + result.handshakeNanos() / 1_000_000;
                report(session, handshakeName, startMillis, handshakeEnd, null);
                report(session, answerName, handshakeEnd, endMillis, failure);
            }
            SessionLog.record(endMillis, System.nanoTime() - startNanos, failure);
            Session after = failure == null ? session : session.markAsFailed();
            // Back to the virtual user's own event loop before it goes on.
            session.eventLoop().execute(() -> next.execute(after));
        });
    }

    private void report(Session session, String name, long start, long end, String failure) {
        Status status = failure == null ? OK$.MODULE$ : KO$.MODULE$;
        stats.logResponse(session.scenario(), session.groups(), name, start, end, status, Option.empty(), Option.apply(failure));
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String kind(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof TimeoutException) {
            return "timeout";
        }
        if (t instanceof ServerClosedException closed && closed.refused()) {
            return REFUSED + LogText.client(closed.reason()); // the server's text, into Gatling's console and report
        }
        if (t instanceof IOException && t.getMessage() != null && t.getMessage().startsWith("QUIC handshake")) {
            return HANDSHAKE_FAILED;
        }
        return "stream error: " + t.getClass().getSimpleName();
    }

    @Override
    public com.typesafe.scalalogging.Logger logger() {
        return logger;
    }

    @Override
    public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(com.typesafe.scalalogging.Logger l) {
        this.logger = l;
    }
}
