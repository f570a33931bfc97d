package dev.hyrouter.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.config.RoutingCompiler;
import dev.hyrouter.messages.DisconnectMessages;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.testing.TestPlugin;
import dev.hyrouter.testing.SharedTimer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DecisionPipelineTest {
    @RegisterExtension
    static final SharedTimer TIMER = new SharedTimer();
    private static final String CONFIG = "routing:\n  routes:\n    - match: {hostname: play.example.com}\n"
            + "      pool: {strategy: round_robin, backends: [{host: backend-a, port: 5520}, {host: backend-b, port: 5521}]}\n"
            + "    - match: {hostname: empty.example.com}\n"
            + "      pool: {strategy: random, filters: [{type: game_start_not_past, key: s}], backends: [{host: x, port: 1, meta: {s: \"5\"}}]}\n";

    /** What the sink received. */
    static final class Captured implements OutcomeSink {
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        volatile byte[] content;
        volatile int routeIndex;

        @Override
        public void referral(Backend backend, byte[] content, int routeIndex) {
            this.content = content;
            this.routeIndex = routeIndex;
            outcome.complete("referral " + backend.host() + ":" + backend.port());
        }

        @Override
        public void disconnect(OutcomeKind kind, String reason, int routeIndex) {
            this.routeIndex = routeIndex;
            outcome.complete(kind + " " + reason);
        }

        String get() throws Exception {
            return outcome.get(30, TimeUnit.SECONDS);
        }
    }

    private static DecisionPipeline pipeline(PluginChain chain) throws Exception {
        RouterConfig c = ConfigLoader.parse(CONFIG, "p.yaml", false);
        return new DecisionPipeline(RoutingCompiler.compile(c.routing(), null), chain, new DisconnectMessages(c.messages()), 100);
    }

    private static ConnectView connect(String username, String language) {
        ByteBuf b = Unpooled.buffer();
        ConnectEncoder.encodeV2(ConnectFields.defaults().withUsername(username).withLanguage(language), b);
        ConnectView v = new ConnectView();
        assertThat(v.wrap(b)).isTrue();
        return v;
    }

    private static String decide(DecisionPipeline p, String sni, ConnectView connect) throws Exception {
        Captured c = new Captured();
        p.decide(new DecisionRequest().set(sni, "", connect), c);
        return c.get();
    }

    @Test
    void refersRoundRobinWithoutPlugins() throws Exception {
        DecisionPipeline p = pipeline(PluginChain.empty());
        assertThat(decide(p, "play.example.com", connect("steve", "en"))).isEqualTo("referral backend-a:5520");
        assertThat(decide(p, "play.example.com", connect("steve", "en"))).isEqualTo("referral backend-b:5521");
    }

    @Test
    void routingFailuresSpeakTheClientsLanguage() throws Exception {
        DecisionPipeline p = pipeline(PluginChain.empty());
        assertThat(decide(p, "nowhere.example.com", connect("steve", "de-DE"))).isEqualTo("NO_ROUTE Der Server ist aktuell nicht verfügbar.");
        assertThat(decide(p, "empty.example.com", connect("steve", "fr_FR")))
                .isEqualTo("NO_BACKENDS Le serveur est plein ou redémarre. Réessaie dans un instant.");
    }

    @Test
    void undecodableConnectIsRoutedOnSniAloneWithoutPluginsConfigured() throws Exception {
        DecisionPipeline p = pipeline(PluginChain.empty());
        assertThat(decide(p, "play.example.com", null)).startsWith("referral backend-");
        assertThat(decide(p, "nowhere", null)).isEqualTo("NO_ROUTE The server is currently unavailable.");
    }

    @Test
    void aPluginThatFailsClosedAnswersPluginUnavailableInTheClientsLanguage() throws Exception {
        PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(TestPlugin.failing("gate"), Duration.ofSeconds(1), null,
                dev.hyrouter.config.PluginConfig.FailureMode.CLOSED)), TIMER.get());
        DecisionPipeline p = pipeline(chain);
        assertThat(decide(p, "play.example.com", connect("alex", "en")))
                .isEqualTo("PLUGIN_UNAVAILABLE Joining is not possible right now. Please try again in a moment.");
        assertThat(decide(p, "play.example.com", connect("alex", "de-DE")))
                .isEqualTo("PLUGIN_UNAVAILABLE Die Anmeldung ist gerade nicht möglich. Bitte versuche es gleich erneut.");
        // An undecodable Connect meets the same closed door.
        assertThat(decide(p, "play.example.com", null)).startsWith("PLUGIN_UNAVAILABLE ");

        RouterConfig custom = ConfigLoader.parse(CONFIG + "messages:\n  disconnect:\n    plugin_unavailable: \"Login checks are down (${error}) for ${sni}\"\n",
                "p.yaml", false);
        DecisionPipeline q = new DecisionPipeline(RoutingCompiler.compile(custom.routing(), null), chain, new DisconnectMessages(custom.messages()), 100);
        assertThat(decide(q, "play.example.com", connect("alex", "en")))
                .isEqualTo("PLUGIN_UNAVAILABLE Login checks are down (error) for play.example.com");
    }

    @Test
    void aPluginThatFailsOpenIsSkipped() throws Exception {
        PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(TestPlugin.failing("gate"), Duration.ofSeconds(1))), TIMER.get());
        assertThat(decide(pipeline(chain), "play.example.com", connect("alex", "en"))).startsWith("referral backend-");
    }

    @Test
    void undecodableConnectStillGoesThroughTheDenyPlugins() throws Exception {
        // A whitelist that knows no empty username refuses a client whose Connect cannot be read,
        // as it refuses a client with no username: flipping a byte does not skip the decision.
        TestPlugin whitelist = TestPlugin.answering("whitelist", r -> "alex".equals(r.event().username())
                ? ConnectResponse.EMPTY : ConnectResponse.denyWith("not on the whitelist"));
        DecisionPipeline p = pipeline(new PluginChain(List.of(new PluginChain.Entry(whitelist, Duration.ofSeconds(1))), TIMER.get()));
        assertThat(decide(p, "play.example.com", connect("alex", "en"))).startsWith("referral backend-");
        assertThat(decide(p, "play.example.com", null)).isEqualTo("DENIED not on the whitelist");
        ConnectRequest seen = whitelist.requests().get(1);
        assertThat(seen.event().connectUndecodable()).isTrue();
        assertThat(seen.event().sni()).isEqualTo("play.example.com");
        assertThat(seen.event().username()).isEmpty();
        assertThat(seen.event().uuid()).isEmpty();
        assertThat(seen.backend().host()).startsWith("backend-");
        assertThat(whitelist.requests().get(0).event().connectUndecodable()).isFalse();
    }

    @Test
    void pluginsDenyOverrideAndSetContent() throws Exception {
        TestPlugin deny = TestPlugin.denyUsername("deny", "deny", "denied by test plugin");
        TestPlugin mutate = TestPlugin.answering("mutate", r -> ConnectResponse.EMPTY.withBackend(r.event().sni().startsWith("nowhere") ? new Backend("rescue", 7777) : null).withReferralContent("hello".getBytes()));
        DecisionPipeline p = pipeline(new PluginChain(List.of(new PluginChain.Entry(deny, Duration.ofSeconds(1)),
                new PluginChain.Entry(mutate, Duration.ofSeconds(1))), TIMER.get()));
        assertThat(decide(p, "play.example.com", connect("deny", "en"))).isEqualTo("DENIED denied by test plugin");
        Captured c = new Captured();
        p.decide(new DecisionRequest().set("play.example.com", "fp", connect("alex", "en")), c);
        assertThat(c.get()).startsWith("referral backend-");
        assertThat(c.content).isEqualTo("hello".getBytes());
        assertThat(c.routeIndex).isZero();
        // A plugin can rescue a connection routing could not place.
        assertThat(decide(p, "nowhere.example.com", connect("alex", "en"))).isEqualTo("referral rescue:7777");
        assertThat(mutate.requests().get(0).event().clientCertFingerprint()).isEqualTo("fp");
        assertThat(mutate.requests().get(1).strategy()).isEmpty();
        assertThat(mutate.requests().get(1).selectedIndex()).isEqualTo(-1);
        assertThat(mutate.requests().get(1).candidates()).isNull();
    }

    @Test
    void unencodableBackendAndOversizedContentAreHandled() throws Exception {
        TestPlugin longHost = TestPlugin.answering("long", r -> ConnectResponse.EMPTY.withBackend(new Backend("h".repeat(300), 1)));
        DecisionPipeline p = pipeline(new PluginChain(List.of(new PluginChain.Entry(longHost, Duration.ofSeconds(1))), TIMER.get()));
        assertThat(decide(p, "play.example.com", connect("a", "en"))).startsWith("ROUTING_ERROR The server is currently unreachable");

        TestPlugin big = TestPlugin.answering("big", r -> ConnectResponse.EMPTY.withReferralContent(new byte[101]));
        DecisionPipeline q = pipeline(new PluginChain(List.of(new PluginChain.Entry(big, Duration.ofSeconds(1))), TIMER.get()));
        Captured c = new Captured();
        q.decide(new DecisionRequest().set("play.example.com", "", connect("a", "en")), c);
        assertThat(c.get()).startsWith("referral");
        assertThat(c.content).isNull();
    }

    @Test
    void anAllocationCompletesTheDecisionLaterThroughThePlugins() throws Exception {
        String yaml = "discovery:\n  providers: [{name: gsa, type: agones, agones: {mode: allocate}}]\n"
                + "routing:\n  default: {strategy: round_robin, discovery: {provider: gsa}}\n";
        CompletableFuture<List<Backend>> allocation = new CompletableFuture<>();
        int[] calls = {0};
        dev.hyrouter.routing.DiscoveryResolver allocating = allocating(() -> {
            calls[0]++;
            return allocation;
        });
        RouterConfig c = ConfigLoader.parse(yaml, "p.yaml", false);
        TestPlugin plugin = TestPlugin.answering("tag", req -> ConnectResponse.EMPTY.withReferralContent(new byte[] {7}));
        PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(plugin, Duration.ofSeconds(30))), TIMER.get());
        DecisionPipeline p = new DecisionPipeline(RoutingCompiler.compile(c.routing(), allocating), chain, new DisconnectMessages(c.messages()), 100);

        ByteBuf b = Unpooled.buffer();
        ConnectEncoder.encodeV2(ConnectFields.defaults().withUsername("steve").withLanguage("de"), b);
        ConnectView v = new ConnectView();
        assertThat(v.wrap(b)).isTrue();
        Captured out = new Captured();
        p.decide(new DecisionRequest().set("realm.example.com", "", v), out);
        // The caller releases the Connect as soon as decide returns; the allocation is still out.
        b.release();
        assertThat(out.outcome).isNotDone();
        assertThat(calls[0]).isEqualTo(1);
        allocation.complete(List.of(new Backend("gs-1", 7777)));
        assertThat(out.get()).isEqualTo("referral gs-1:7777");
        assertThat(out.content).containsExactly(7);
        assertThat(plugin.requests()).singleElement().satisfies(req -> assertThat(req.event().username()).isEqualTo("steve"));

        dev.hyrouter.routing.DiscoveryResolver failingResolver = allocating(
                () -> CompletableFuture.failedFuture(new dev.hyrouter.routing.DiscoveryException("allocation queue full")));
        DecisionPipeline q = new DecisionPipeline(RoutingCompiler.compile(c.routing(), failingResolver), PluginChain.empty(),
                new DisconnectMessages(c.messages()), 100);
        assertThat(decide(q, "realm.example.com", connect("steve", "de")))
                .isEqualTo("DISCOVERY_ERROR Der Server sucht gerade eine freie Instanz. Bitte versuche es gleich erneut.");
    }

    /** A resolver whose one provider allocates per connection with {@code allocate}. */
    private static dev.hyrouter.routing.DiscoveryResolver allocating(java.util.function.Supplier<CompletableFuture<List<Backend>>> allocate) {
        return new dev.hyrouter.routing.DiscoveryResolver() {
            @Override
            public List<Backend> resolve(String provider) throws dev.hyrouter.routing.DiscoveryException {
                throw new dev.hyrouter.routing.DiscoveryException("an allocating provider has no snapshot");
            }

            @Override
            public boolean allocates(String provider) {
                return true;
            }

            @Override
            public CompletableFuture<List<Backend>> allocate(String provider) {
                return allocate.get();
            }
        };
    }
}
