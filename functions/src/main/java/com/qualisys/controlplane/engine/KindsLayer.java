package com.qualisys.controlplane.engine;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.function.Function;

/**
 * A layer made of {@link ManagedKinds}: its name, its desired state, and kinds that observe, decide
 * drift and apply for it. A layer adds only what is its own: a preflight, a readiness, the ids of
 * other layers' resources it needs before reading ({@link #beforeReading}).
 */
public abstract class KindsLayer implements Layer {
    private final String name;
    private final Function<EnvironmentSpec, List<DesiredResource>> desired;
    private final ManagedKinds kinds;

    protected KindsLayer(String name, Function<EnvironmentSpec, List<DesiredResource>> desired, List<ManagedKind<?>> kinds) {
        this.name = name;
        this.desired = desired;
        this.kinds = new ManagedKinds(name, kinds);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<DesiredResource> desired(EnvironmentSpec spec) {
        return desired.apply(spec);
    }

    @Override
    public final List<AttributeDecisions> attributeDecisions() {
        return kinds.decisions();
    }

    @Override
    public final List<ObservedResource> observe(LayerContext ctx) {
        beforeReading(ctx);
        return kinds.observe(ctx, desired(ctx.spec()));
    }

    @Override
    public final void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        kinds.apply(change, desired, observed, ctx);
    }

    /** Ready when every kind says its desired resources are ({@link ManagedKinds#readiness}); for a layer to choose. */
    protected final Readiness kindsReadiness(LayerContext ctx) {
        beforeReading(ctx);
        return kinds.readiness(ctx, desired(ctx.spec()));
    }

    /** Runs before the kinds read anything: e.g. register the ids of other layers' resources the attributes refer to. */
    protected void beforeReading(LayerContext ctx) {}
}
