package dev.hyrouter.server.quic;

import dev.hyrouter.codec.ClientReferralEncoder;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.pipeline.DecisionPipeline;
import dev.hyrouter.pipeline.DecisionRequest;
import dev.hyrouter.pipeline.RouterCore;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * What every connection and stream handler of one intake shares: the pipeline, limits, counters,
 * and per-event-loop scratch objects (referral encoder with its MAC, Connect flyweight, decision
 * request) so that the answer path allocates nothing it can reuse.
 */
final class IntakeContext {
    final DecisionPipeline pipeline;
    final boolean pluginsConfigured;
    final int maxFrameBytes;
    final long connectTimeoutNanos;
    final long closeAfterAnswerNanos;
    final boolean logClientIp;
    final IntakeStats stats = new IntakeStats();
    final LatencyRecorder latency = new LatencyRecorder();

    private final FastThreadLocal<ClientReferralEncoder> encoders;
    private final FastThreadLocal<ConnectView> views = new FastThreadLocal<>() {
        @Override
        protected ConnectView initialValue() {
            return new ConnectView();
        }
    };
    private final FastThreadLocal<DecisionRequest> requests = new FastThreadLocal<>() {
        @Override
        protected DecisionRequest initialValue() {
            return new DecisionRequest();
        }
    };

    IntakeContext(RouterCore core) {
        RouterConfig config = core.config();
        this.pipeline = core.pipeline();
        this.pluginsConfigured = !core.plugins().isEmpty();
        this.maxFrameBytes = config.quic().maxFrameBytes();
        this.connectTimeoutNanos = config.quic().connectTimeout().toNanos();
        this.closeAfterAnswerNanos = config.quic().closeAfterAnswer().toNanos();
        this.logClientIp = config.logging().logClientIp();
        ClientReferralEncoder prototype = core.referralEncoderPrototype();
        this.encoders = new FastThreadLocal<>() {
            @Override
            protected ClientReferralEncoder initialValue() {
                return prototype.copy();
            }
        };
    }

    ClientReferralEncoder encoder() {
        return encoders.get();
    }

    ConnectView view() {
        return views.get();
    }

    DecisionRequest request() {
        return requests.get();
    }
}
