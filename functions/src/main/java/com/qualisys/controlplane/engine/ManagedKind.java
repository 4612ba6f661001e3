package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resource-kind contract (in the spirit of the Java Operator SDK's dependent resources and
 * Crossplane's external clients): one kind of resource a layer owns, and everything the engine
 * needs to reconcile it: how to list its live instances once per type, read one into comparable
 * attributes (and which SDK fields those are: {@link #decisions}), find one that lost its identity
 * tags, create, update and delete it. Which changes are destructive is the {@link ResourceKind}'s
 * (replaceOn, stateful). A layer made of kinds is a {@link ManagedKinds}. Observe runs in two steps so
 * that every physical id is in the index before any attribute turns a physical id into a ref:
 * {@link #list} for every kind, then {@link #attributes}.
 *
 * @param <T> the SDK's type for a live instance
 */
public interface ManagedKind<T> {

    ResourceKind kind();

    /** What drift does with every field AWS returns for this kind: compared or ignored with a reason. */
    AttributeDecisions decisions();

    /** The live instances of this environment: one paginated call, filtered by tag or by fixed name. */
    List<T> list(LayerContext ctx);

    /** The instance's logical id, or null when it is not a resource of this layer and environment. */
    String logicalId(T live, LayerContext ctx);

    String physicalId(T live);

    /** The instance in the shapes of its desired attributes; refs for managed physical ids. */
    Map<String, Object> attributes(T live, LayerContext ctx);

    /**
     * As {@link #attributes(Object, LayerContext)}, for a kind whose attributes depend on what a kind
     * listed before it read (an RDS secret's host is compared with the instance's endpoint, a node
     * group's template version with the template's default version). earlier: the resources of the
     * kinds before this one, by logical id.
     */
    default Map<String, Object> attributes(T live, LayerContext ctx, Map<String, ObservedResource> earlier) {
        return attributes(live, ctx);
    }

    /**
     * Whether a live instance is usable yet: ready, or waiting with its status. Throws when it is in a
     * status from which it will not become ready (a failed create), so a state machine looping on
     * readiness stops. Most kinds are usable as soon as they exist.
     */
    default Readiness readiness(ObservedResource live) {
        return Readiness.ready();
    }

    /**
     * A live instance that lost its qualisys:* tags, found by the attributes that make it unique
     * (a subnet by VPC and CIDR); empty when there is none or the kind has no such attributes.
     * Asked only for a desired resource that observe did not find, so a drift check without
     * drift makes no such call.
     */
    default Optional<T> findUntagged(DesiredResource want, LayerContext ctx) {
        return Optional.empty();
    }

    /**
     * Whether a listed instance was taken by the attributes that make it unique, not by its identity
     * tags, and lacks them: for a kind whose one list already reads every candidate (IAM has no tag
     * filter, so the role kind lists the account's roles and takes the one of the wanted name). Such an
     * instance is drift "identity tags removed", repaired by {@link #restoreIdentity}, as one
     * {@link #findUntagged} found.
     */
    default boolean identityLost(T live, LayerContext ctx) {
        return false;
    }

    /** Tags an instance {@link #findUntagged} found (or {@link #identityLost} says lost its tags) with its identity again. */
    default void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        throw new UnsupportedOperationException("kind " + kind().name() + " cannot find a resource without its tags");
    }

    /** Creates the resource tagged with its identity, then registers it in the index. */
    void create(DesiredResource want, LayerContext ctx);

    /** Repairs exactly the attributes that differ; a kind without in-place updates keeps this default. */
    default void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        throw new UnsupportedOperationException("kind " + kind().name() + " has no in-place updates");
    }

    /**
     * Repairs the differences the plan kept (an intentional override leaves some out, which must
     * then stay as they are); kinds that repair attribute by attribute keep this default.
     */
    default void update(DesiredResource want, ObservedResource live, List<Difference> differences, LayerContext ctx) {
        update(want, live, ctx);
    }

    void delete(String physicalId, ObservedResource live, LayerContext ctx);

    /** Whether an attribute differs between desired and live (values compare as the Differ does). */
    static boolean differs(DesiredResource want, ObservedResource live, String attribute) {
        return !Differ.sameValue(want.attribute(attribute), live == null ? null : live.attributes().get(attribute));
    }

    /**
     * The top-level attributes that differ between desired and live, as the Differ sees them
     * ("tags.Name" differing → "tags"): what an update must repair.
     */
    static java.util.Set<String> differing(DesiredResource want, ObservedResource live) {
        List<Difference> differences = new ArrayList<>();
        Differ.compare("", want.attributes(), live == null ? null : live.attributes(), differences);
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Difference d : differences) {
            int dot = d.path().indexOf('.');
            out.add(dot < 0 ? d.path() : d.path().substring(0, dot));
        }
        return out;
    }

    /** The elements of a that are not in b, in a's order. */
    static List<String> minus(Collection<String> a, Collection<String> b) {
        List<String> out = new ArrayList<>(a);
        out.removeAll(b);
        return out;
    }

    /** A string-list attribute of a live resource (empty when absent). */
    @SuppressWarnings("unchecked")
    static List<String> strings(ObservedResource live, String attribute) {
        Object v = live == null ? null : live.attributes().get(attribute);
        return v == null ? List.of() : (List<String>) v;
    }

    /** A string-map attribute of a live resource (empty when absent). */
    @SuppressWarnings("unchecked")
    static Map<String, String> stringMap(ObservedResource live, String attribute) {
        Object v = live == null ? null : live.attributes().get(attribute);
        return v == null ? Map.of() : (Map<String, String>) v;
    }
}
