package dev.hyrouter.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.structure.ScenarioContext;

/** Gatling's (Scala) side of {@link HytaleRequestBuilder}: builds the action once per scenario. */
final class HytaleActionBuilder implements io.gatling.core.action.builder.ActionBuilder {
    private final HytaleRequestBuilder request;

    HytaleActionBuilder(HytaleRequestBuilder request) {
        this.request = request;
    }

    @Override
    public Action build(ScenarioContext ctx, Action next) {
        return new HytaleAction(request, ctx.coreComponents().statsEngine(), next);
    }
}
