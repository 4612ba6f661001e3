package com.qualisys.controlplane.engine;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;

/**
 * One layer of the seed (account, iam, monitoring, vpc, eks, rds, kubernetes), reconciled by
 * the contract of DESIGN.md: desired (pure) → observe (read-only) → diff (pure, {@link Differ})
 * → apply (one change at a time, idempotent).
 */
public interface Layer {

    /** The layer's name; also the first segment of its logical ids ("vpc/subnet/private-a"). */
    String name();

    /** The resources the spec asks for. Pure: no I/O. */
    List<DesiredResource> desired(EnvironmentSpec spec);

    /**
     * The live managed resources of this environment, found by tags, with as few calls as the
     * service allows. Registers every physical id in {@code ctx.index()}. Read-only.
     */
    List<ObservedResource> observe(LayerContext ctx);

    /**
     * Carries out one change. desired is null for DELETE, observed is null for CREATE. A CREATE
     * registers the new physical id in {@code ctx.index()} and tags the resource at creation, so
     * a crash right after it leaves a resource the next observe finds.
     */
    void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx);

    /** Checks that must pass before any mutating call (e.g. the versions AWS still offers). */
    default void preflight(LayerContext ctx) {}

    /**
     * For each resource kind of the layer, what drift does with every field AWS returns for it
     * (see {@link AttributeDecisions}); empty for a layer whose fields are not decided yet.
     */
    default List<AttributeDecisions> attributeDecisions() {
        return List.of();
    }

    /**
     * Every string by which this layer's attributes refer to a resource: {@code ref:<logical-id>}, and
     * any form of the layer's own (the VPC layer names the spec's security groups in rules as
     * {@code sg:<key>}). A plan uses it to find the resources that refer to a replaced one ({@link Replacements}).
     */
    default List<String> referenceForms(String logicalId) {
        return List.of(DesiredResource.ref(logicalId));
    }

    /** Whether the layer's long-running resources are ready; a state machine loops on it. */
    default Readiness readiness(LayerContext ctx) {
        return Readiness.ready();
    }
}
