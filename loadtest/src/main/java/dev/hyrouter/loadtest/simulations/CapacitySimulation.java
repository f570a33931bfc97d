package dev.hyrouter.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.loadtest.gatling.HytaleChecks;
import dev.hyrouter.loadtest.gatling.HytaleProtocol;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Capacity planning: offered load climbs in steps ({@code hyrouter.start} sessions/s, then
 * {@code +hyrouter.step} for {@code hyrouter.levels} levels of {@code hyrouter.levelSeconds} s
 * each). No assertion: the report reads each level's throughput, p99 and errors from the session
 * log and marks the highest level sustained within the SLO.
 */
public class CapacitySimulation extends Simulation {
    private final HytaleProtocol protocol = LoadSettings.protocol();

    private final ScenarioBuilder join = scenario("join")
            .feed(LoadSettings.players())
            .exec(protocol.hytale("join").sni("#{sni}").username("#{user}").uuid("#{uuid}").layout(ConnectView.Layout.V2)
                    .check(HytaleChecks.anyReferral()));

    {
        setUp(join.injectOpen(incrementUsersPerSec(LoadSettings.doubleProp("hyrouter.step", 200))
                .times(LoadSettings.intProp("hyrouter.levels", 8))
                .eachLevelLasting(Duration.ofSeconds(LoadSettings.intProp("hyrouter.levelSeconds", 10)))
                .startingFrom(LoadSettings.doubleProp("hyrouter.start", 200))));
    }

    @Override
    public void after() {
        LoadSettings.finish(protocol);
    }
}
