package dev.hyrouter.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.loadtest.gatling.HytaleChecks;
import dev.hyrouter.loadtest.gatling.HytaleProtocol;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Steady load: players arrive at {@code hyrouter.rate} sessions/s (open model: they come whether
 * or not we keep up) for {@code hyrouter.duration} seconds. Every session must be referred to
 * {@code hyrouter.expectHost:hyrouter.expectPort}; the run fails on any failed session or when
 * the p99 of a step exceeds {@code hyrouter.p99Ms}.
 */
public class SteadySimulation extends Simulation {
    private final HytaleProtocol protocol = LoadSettings.protocol();

    private final ScenarioBuilder join = scenario("join")
            .feed(LoadSettings.players())
            .exec(protocol.hytale("join").sni("#{sni}").username("#{user}").uuid("#{uuid}").layout(ConnectView.Layout.V2)
                    .check(HytaleChecks.referralTo(System.getProperty("hyrouter.expectHost", "play.hyvane.com"),
                            LoadSettings.intProp("hyrouter.expectPort", 5520))));

    {
        int p99Ms = LoadSettings.intProp("hyrouter.p99Ms", 50);
        setUp(join.injectOpen(constantUsersPerSec(LoadSettings.doubleProp("hyrouter.rate", 200))
                .during(Duration.ofSeconds(LoadSettings.intProp("hyrouter.duration", 30)))))
                .assertions(global().failedRequests().percent().is(0.0), global().responseTime().percentile(99.0).lt(p99Ms));
    }

    @Override
    public void after() {
        LoadSettings.finish(protocol);
    }
}
