package com.qualisys.controlplane.events.budget;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.events.Notification;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;

/**
 * Carries out a budget ladder plan: fetches the top cost drivers, caps the Playwright node group (recording
 * the override first, so a crash leaves a record the next run completes), and renders the notification.
 * Also restores overrides, by hand or when their budget period has ended. Every step reads before it
 * writes: repeating a response or a restore makes no mutating call.
 *
 * <p>Node-group attribute paths recorded are the EKS layer's ({@code layers.eks}): {@code scaling.maxSize}, which its
 * desired state owns (so drift reports the cap as an override and apply keeps it), and {@code desiredSize}, which
 * it observes but does not compare (recorded so that restore can put the count back).
 */
public final class BudgetResponder {
    public static final String MAX_SIZE = "scaling.maxSize";
    public static final String DESIRED_SIZE = "desiredSize";

    private final String environment;
    private final AwsClients aws;
    private final OverrideStore store;
    private final Clock clock;
    private java.util.function.Consumer<String> beforeWrite = write -> { };

    public BudgetResponder(String environment, AwsClients aws, OverrideStore store, Clock clock) {
        this.environment = environment;
        this.aws = aws;
        this.store = store;
        this.clock = clock;
    }

    /**
     * What is checked before each change to the node group: the fence of the environment's lease
     * (state.LeaseFence), held by the caller for the cap or restore, so a budget response never writes
     * while a provision or an apply does.
     */
    public BudgetResponder fencedBy(java.util.function.Consumer<String> beforeWrite) {
        this.beforeWrite = java.util.Objects.requireNonNull(beforeWrite);
        return this;
    }

    /** What was done for one alert. */
    public record BudgetResponse(BudgetLadder.Plan plan, List<ServiceCost> topServices, List<OverrideRecord> overrides,
                                 boolean driftCheckRequested, List<String> notes, Notification notification) {
        public BudgetResponse {
            topServices = List.copyOf(topServices);
            overrides = List.copyOf(overrides);
            notes = List.copyOf(notes);
        }
    }

    public BudgetResponse respond(BudgetLadder.Plan plan) {
        List<ServiceCost> top = List.of();
        List<OverrideRecord> overrides = new ArrayList<>();
        List<String> notes = new ArrayList<>(plan.notes());
        boolean driftCheck = false;
        for (BudgetAction action : plan.actions()) {
            switch (action) {
                case BudgetAction.NotifyTopServices t -> {
                    top = CostDrivers.topServices(aws.costExplorer(), t.from(), t.toExclusive(), t.count());
                    if (top.isEmpty()) notes.add("Cost Explorer reported no cost by service from " + t.from() + " to " + t.toExclusive());
                }
                case BudgetAction.CapNodeGroup c -> cap(plan.alert(), c, notes).ifPresent(overrides::add);
                case BudgetAction.StartDriftCheck s -> driftCheck = true;
                case BudgetAction.Notify n -> { }
            }
        }
        Notification n = BudgetNotifications.render(environment, plan, top, overrides, driftCheck, notes);
        return new BudgetResponse(plan, top, overrides, driftCheck, notes, n);
    }

    /** The override id for an action in a budget period: one override per budget, period and action. */
    public static String overrideId(BudgetAlert alert, BudgetAction action) {
        String budget = alert.budgetName().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return budget + "-" + alert.periodStart() + "-" + action.name();
    }

    /**
     * Writes the override record of every cap the plan makes, before anything is capped (the budget-response
     * state machine's Record step): a run that stops after it leaves a record that the next run completes and
     * that restore can undo. Returns the active records (new or from an earlier delivery of the alert).
     */
    public List<OverrideRecord> record(BudgetLadder.Plan plan) {
        List<OverrideRecord> records = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (BudgetAction action : plan.actions()) {
            if (action instanceof BudgetAction.CapNodeGroup c) {
                Optional<OverrideRecord> existing = store.get(overrideId(plan.alert(), c));
                if (existing.isPresent() && !existing.get().active()) continue;
                ensureRecord(plan.alert(), c, existing, scaling(c.clusterName(), c.nodegroupName()), notes).ifPresent(records::add);
            }
        }
        return records;
    }

    private Optional<OverrideRecord> cap(BudgetAlert alert, BudgetAction.CapNodeGroup c, List<String> notes) {
        String id = overrideId(alert, c);
        int capped = capped(c);
        Optional<OverrideRecord> existing = store.get(id);
        if (existing.isPresent() && !existing.get().active()) {
            notes.add("override " + id + " was restored earlier in this budget period: the node group is not capped again");
            return Optional.empty();
        }
        NodegroupScalingConfig live = scaling(c.clusterName(), c.nodegroupName());
        Optional<OverrideRecord> record = ensureRecord(alert, c, existing, live, notes);
        if (record.isPresent() && (live.maxSize() != capped || live.desiredSize() != capped)) {
            if (!record.get().active()) {
                notes.add("override " + id + " was restored meanwhile: the node group is not capped");
                return Optional.empty();
            }
            beforeWrite.accept("budget: cap node group " + c.nodegroupName() + " (override " + id + ")");
            update(c.clusterName(), c.nodegroupName(), live.minSize(), capped, capped);
        }
        return record;
    }

    /** The active record of a cap: the existing one, or a new one written now; none when there is nothing to cap. */
    private Optional<OverrideRecord> ensureRecord(BudgetAlert alert, BudgetAction.CapNodeGroup c, Optional<OverrideRecord> existing,
                                                  NodegroupScalingConfig live, List<String> notes) {
        if (existing.isPresent()) return existing;
        int capped = capped(c);
        if (live.maxSize() == capped && live.desiredSize() == capped) {
            notes.add("node group " + c.nodegroupName() + " is already at its minimum of " + capped + ": nothing to cap");
            return Optional.empty();
        }
        OverrideRecord record = new OverrideRecord(overrideId(alert, c), environment, OverrideRecord.Status.ACTIVE, c.name(), c.logicalId(),
                Map.of("cluster", c.clusterName(), "nodegroup", c.nodegroupName()),
                List.of(new OverrideRecord.AttributeChange(MAX_SIZE, live.maxSize(), capped),
                        new OverrideRecord.AttributeChange(DESIRED_SIZE, live.desiredSize(), capped)),
                "budget " + alert.budgetName() + " reached " + alert.threshold().display() + " ("
                        + alert.alertType() + " $" + alert.amount() + " of $" + alert.budgetLimit() + ")",
                clock.instant(), alert.periodEndInstant(), null, null);
        // First, and only once (a concurrent response to the same alert may create it): a crash after it leaves a
        // record the next run completes.
        if (!store.create(record)) return store.get(record.id());
        return Optional.of(record);
    }

    private static int capped(BudgetAction.CapNodeGroup c) {
        return Math.max(c.minSize(), 1); // EKS requires maxSize >= 1
    }

    /** Puts the recorded before values back and marks the override RESTORED; a no-op for restored ones. */
    public Optional<OverrideRecord> restore(String overrideId, String reason) {
        for (int attempt = 0; ; attempt++) {
            Optional<OverrideStore.Stored> found = store.read(overrideId);
            if (found.isEmpty() || !found.get().record().active()) return found.map(OverrideStore.Stored::record);
            OverrideRecord o = found.get().record();
            String cluster = o.target().get("cluster");
            String nodegroup = o.target().get("nodegroup");
            NodegroupScalingConfig live = scaling(cluster, nodegroup);
            int max = before(o, MAX_SIZE, live.maxSize());
            int desired = before(o, DESIRED_SIZE, live.desiredSize());
            if (live.maxSize() != max || live.desiredSize() != desired) {
                beforeWrite.accept("budget: restore node group " + nodegroup + " (override " + overrideId + ")");
                update(cluster, nodegroup, live.minSize(), max, desired);
            }
            OverrideRecord restored = o.restored(clock.instant(), reason);
            try {
                store.replace(restored, found.get().etag());
                return Optional.of(restored);
            } catch (OverrideStore.OverrideChangedException changed) {
                // Another writer changed the record since it was read: read it again and put back what it says now.
                if (attempt >= 2) throw changed;
            }
        }
    }

    /** Restores every active override whose budget period has ended by {@code now}. */
    public List<OverrideRecord> restoreExpired(Instant now) {
        List<OverrideRecord> restored = new ArrayList<>();
        for (OverrideRecord o : store.active()) {
            if (!o.expiresAt().isAfter(now)) {
                restore(o.id(), "the budget period ended " + o.expiresAt()).ifPresent(restored::add);
            }
        }
        return restored;
    }

    private static int before(OverrideRecord o, String path, int fallback) {
        return o.changes().stream().filter(c -> c.path().equals(path)).findFirst()
                .map(c -> ((Number) c.before()).intValue()).orElse(fallback);
    }

    private NodegroupScalingConfig scaling(String cluster, String nodegroup) {
        return aws.eks().describeNodegroup(r -> r.clusterName(cluster).nodegroupName(nodegroup)).nodegroup().scalingConfig();
    }

    private void update(String cluster, String nodegroup, int min, int max, int desired) {
        aws.eks().updateNodegroupConfig(r -> r.clusterName(cluster).nodegroupName(nodegroup)
                .scalingConfig(s -> s.minSize(min).maxSize(max).desiredSize(desired)));
    }
}
