package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.aws.ApiCallCounter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.CrashAfterCarriedOut;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.eks.model.NodegroupStatus;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * Crashes while AWS is still at work on an update (RDS "modifying", an EKS node group UPDATING) or
 * still building a NAT gateway ("pending"), with the emulator holding those statuses until the test
 * lets them go. Out-of-band changes set the held resource busy and leave other repairs to make; then,
 * for every k of the repair's mutating calls while held: the run is killed after k calls, the recovery
 * run is killed too (after its first), one more run while still held; AWS finishes; the run that makes
 * the held write dies right after it was carried out, and its recovery (killed again) must not repeat
 * it while AWS is busy (the stub would refuse: InvalidDBInstanceState / ResourceInUseException, which
 * fails the test). Once AWS finishes: no drift, a further apply changes nothing, the layer is ready, the
 * account holds exactly what it held before (counted type by type), and the repaired values are read
 * back with a client of the test's own.
 */
class CrashWhileUpdatingTest {
    private static final int MAX_ROUNDS = 6;
    /** "Until the test lets go": more describes than any of these runs make. */
    private static final int HELD = 10_000;
    private static final String DB = "qualisys-db";
    private static final String CLUSTER = "qualisys-eks";
    private static final String MASTER_SECRET = "qualisys/database/master";
    private final EnvironmentSpec spec = TestSpecs.load("dev");

    /**
     * One update AWS carries out asynchronously: how the test makes AWS busy with it out of band (and
     * what else drifts), the write the layer repairs it with, and how the repair is read back.
     */
    private record Busy(String name, Supplier<Layer> factory, boolean needsPrerequisites, Consumer<EmulatedAccount> hold,
                        Runnable finish, BiConsumer<EmulatedAccount, AwsClients> outOfBand, String heldWrite,
                        Consumer<AwsClients> readBack) {}

    private static final Busy RDS_MODIFYING = new Busy("rds modifying", RdsLayer::new, true,
            account -> account.rds().modifyingFor(HELD),
            () -> EmulatedAccount.local().rds().finishModifying(),
            (account, other) -> {
                // The instance's own repair waits while it is modifying; the parameter group and the secret do not.
                other.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(DB).backupRetentionPeriod(1).enablePerformanceInsights(false)
                        .applyImmediately(true));
                other.rds().modifyDBParameterGroup(r -> r.dbParameterGroupName("qualisys-postgres15")
                        .parameters(Parameter.builder().parameterName("work_mem").parameterValue("4096").applyMethod("immediate").build()));
                ObjectNode master = masterSecret(other);
                master.put("host", "db.elsewhere.example");
                other.secretsManager().putSecretValue(r -> r.secretId(MASTER_SECRET).secretString(master.toString()));
            },
            "Rds.ModifyDBInstance",
            reader -> {
                var db = reader.rds().describeDBInstances(r -> r.dbInstanceIdentifier(DB)).dbInstances().get(0);
                assertThat(db.dbInstanceStatus()).isEqualTo("available");
                assertThat(db.backupRetentionPeriod()).as("backup retention, read back").isEqualTo(7);
                assertThat(db.performanceInsightsEnabled()).as("Performance Insights, read back").isTrue();
                assertThat(reader.rds().describeDBParametersPaginator(r -> r.dbParameterGroupName("qualisys-postgres15")).parameters()
                        .stream().filter(p -> p.parameterName().equals("work_mem")).map(Parameter::parameterValue))
                        .as("work_mem, read back").containsExactly("65536");
                assertThat(masterSecret(reader).path("host").asText()).as("the master secret's host, read back")
                        .isEqualTo(db.endpoint().address());
            });

    private static final Busy NODE_GROUPS_UPDATING = new Busy("eks node groups updating", EksLayer::new, true,
            account -> account.eks().nodegroupsUpdatingFor(HELD),
            () -> EmulatedAccount.local().eks().finishNodegroupUpdates(),
            (account, other) -> {
                // Both node groups busy with a scaling change of someone else's; an add-on (not theirs to wait for) deleted.
                other.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-general")
                        .scalingConfig(s -> s.minSize(1).maxSize(4)));
                other.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-playwright-pool")
                        .scalingConfig(s -> s.minSize(1).maxSize(8)));
                other.eks().deleteAddon(r -> r.clusterName(CLUSTER).addonName("coredns"));
            },
            "Eks.UpdateNodegroupConfig",
            reader -> {
                for (var group : Map.of("qualisys-general", List.of(2, 10), "qualisys-playwright-pool", List.of(5, 20)).entrySet()) {
                    var ng = reader.eks().describeNodegroup(r -> r.clusterName(CLUSTER).nodegroupName(group.getKey())).nodegroup();
                    assertThat(ng.status()).isEqualTo(NodegroupStatus.ACTIVE);
                    assertThat(List.of(ng.scalingConfig().minSize(), ng.scalingConfig().maxSize()))
                            .as("%s scaling bounds, read back", group.getKey()).isEqualTo(group.getValue());
                }
                assertThat(reader.eks().listAddons(r -> r.clusterName(CLUSTER)).addons()).contains("coredns");
            });

    @TestFactory
    Stream<DynamicTest> rdsConvergesAfterCrashesWhileItsInstanceIsModifying() {
        return crashPoints(RDS_MODIFYING);
    }

    @TestFactory
    Stream<DynamicTest> eksConvergesAfterCrashesWhileItsNodeGroupsAreUpdating() {
        return crashPoints(NODE_GROUPS_UPDATING);
    }

    /**
     * One spec change that touches a launch template and a node group's scaling bounds: the template's new
     * default version rolls the node group (UpdateNodegroupVersion), which leaves it UPDATING; its scaling
     * update in the same run would be ResourceInUseException in AWS. It waits for a later apply instead of
     * failing the run, and the readiness loop converges.
     */
    @Test
    void aTemplateRollAndAScalingChangeOfTheSameNodeGroupInOneApplyTakeTurns() {
        EmulatedAccount account = EmulatedAccount.fresh();
        EnvironmentSpec edited = SpecVariant.of("dev", "eks:\n  imdsv2Required: false\n  nodeGroups:\n    general:\n      maxSize: 12\n");
        try (AwsClients aws = account.clients()) {
            Prerequisites.create(aws, spec);
            assertThat(applyUntilReady(aws, new EksLayer())).isTrue();
            account.eks().nodegroupsUpdatingFor(1);
            LayerHarness eks = new LayerHarness(edited, aws, new EksLayer());
            Reconciler.ApplyResult first = eks.apply();
            assertThat(first.isComplete()).as("the scaling update waits for the roll").isFalse();
            assertThat(first.pending()).anySatisfy(p -> assertThat(p.toString()).contains("eks/node-group/general"));
            int rounds = 1;
            while (!eks.apply().isComplete() || !eks.run().readiness("eks").isReady()) {
                assertThat(++rounds).as("rounds of the readiness loop").isLessThan(MAX_ROUNDS);
            }
            System.out.println("template roll + scaling change of one node group: " + rounds + " applies");
            assertThat(eks.drift().changes()).isEmpty();
        } finally {
            EmulatedAccount.local().eks().nodegroupsUpdatingFor(0);
        }
        try (AwsClients reader = account.clients()) {
            var ng = reader.eks().describeNodegroup(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-general")).nodegroup();
            assertThat(ng.scalingConfig().maxSize()).as("maxSize, read back").isEqualTo(12);
            String template = ng.launchTemplate().id();
            assertThat(reader.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(template).versions(ng.launchTemplate().version()))
                    .launchTemplateVersions()).singleElement()
                    .satisfies(v -> assertThat(v.launchTemplateData().metadataOptions().httpTokensAsString()).isEqualTo("optional"));
        }
    }

    /**
     * The VPC layer while its NAT gateways are pending: killed after every mutating call from the first
     * CreateNatGateway to the last route (the calls made while a gateway is still being built), the
     * recovery killed too, then EC2 finishes and the readiness loop's applies complete the network.
     */
    @TestFactory
    Stream<DynamicTest> vpcConvergesAfterCrashesWhileItsNatGatewaysArePending() {
        EmulatedAccount account = EmulatedAccount.fresh();
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> census;
        EmulatedAccount.local().natGateways().holdPending(account.id());
        try (AwsClients aws = account.clients(log(calls))) {
            LayerHarness vpc = new LayerHarness(spec, aws, new VpcLayer());
            vpc.apply();
            assertThat(vpc.run().readiness("vpc").waitingFor()).as("held: the NAT gateways are pending")
                    .anySatisfy(w -> assertThat(w).contains("pending"));
        } finally {
            EmulatedAccount.local().natGateways().release(account.id());
        }
        try (AwsClients aws = account.clients()) {
            assertThat(applyUntilReady(aws, new VpcLayer())).isTrue();
            census = ResourceCensus.of(aws);
        }
        int first = calls.indexOf("Ec2.CreateNatGateway");
        int last = calls.lastIndexOf("Ec2.CreateRoute");
        assertThat(first).as("the VPC apply creates NAT gateways").isNotNegative();
        System.out.println("vpc while NAT gateways are pending: crash points k = " + (first + 1) + ".." + (last + 1) + " of " + calls.size()
                + " mutating calls, after " + calls.subList(first, last + 1) + "; a fault-free apply leaves " + total(census) + " resources of "
                + census.size() + " types");
        return IntStream.rangeClosed(first + 1, last + 1).mapToObj(k -> DynamicTest.dynamicTest("killed after " + k + " of " + calls.size()
                + " mutating calls (after " + calls.get(k - 1) + ") while NAT gateways are pending, again in recovery",
                () -> killedWhileNatGatewaysPending(k, census)));
    }

    private void killedWhileNatGatewaysPending(int k, Map<String, Integer> expected) {
        EmulatedAccount account = EmulatedAccount.fresh();
        int crashes = 0;
        EmulatedAccount.local().natGateways().holdPending(account.id());
        try {
            try (AwsClients crashing = account.clients(new CrashAfter(k))) {
                crashes += CrashAfter.killed(() -> new LayerHarness(spec, crashing, new VpcLayer()).apply());
            }
            assertThat(crashes).as("the first run is killed after %d mutating calls", k).isEqualTo(1);
            try (AwsClients recovering = account.clients(new CrashAfter(1))) {
                crashes += CrashAfter.killed(() -> new LayerHarness(spec, recovering, new VpcLayer()).apply());
            }
            try (AwsClients aws = account.clients()) {
                LayerHarness vpc = new LayerHarness(spec, aws, new VpcLayer());
                vpc.apply();
                assertThat(vpc.run().readiness("vpc").isReady()).as("not ready while the gateways are pending").isFalse();
                assertThat(aws.ec2().describeNatGateways().natGateways()).as("NAT gateways while pending")
                        .allSatisfy(n -> assertThat(n.state()).isEqualTo(NatGatewayState.PENDING)).hasSize(2);
            }
        } finally {
            EmulatedAccount.local().natGateways().release(account.id());
        }
        try (AwsClients aws = account.clients()) {
            assertThat(applyUntilReady(aws, new VpcLayer())).as("vpc ready within %d rounds once EC2 has finished", MAX_ROUNDS).isTrue();
            converged(aws, new VpcLayer(), expected, crashes);
        }
        System.out.println("vpc while NAT gateways are pending, killed after " + k + ": " + crashes + " crashes");
    }

    private Stream<DynamicTest> crashPoints(Busy busy) {
        EmulatedAccount account = EmulatedAccount.fresh();
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> before = provisioned(account, busy);
        Map<String, Integer> census;
        try {
            busy.hold().accept(account);
            try (AwsClients other = account.clients()) {
                busy.outOfBand().accept(account, other);
            }
            try (AwsClients aws = account.clients(log(calls))) {
                assertThat(new LayerHarness(spec, aws, busy.factory().get()).apply().isComplete()).as("held: the repair waits").isFalse();
            }
            assertThat(calls).as("no %s while AWS is busy", busy.heldWrite()).doesNotContain(busy.heldWrite()).isNotEmpty();
            busy.finish().run();
            try (AwsClients aws = account.clients()) {
                assertThat(applyUntilReady(aws, busy, busy.factory().get())).isTrue();
                census = ResourceCensus.of(aws);
            }
            // Repairs add no resource; only a secret's out-of-band value and its repair add versions.
            assertThat(withoutSecretVersions(census)).isEqualTo(withoutSecretVersions(before));
        } finally {
            release(busy);
        }
        System.out.println(busy.name() + ": " + calls.size() + " crash points while held " + calls + "; the account holds " + total(census)
                + " resources of " + census.size() + " types");
        return IntStream.range(0, calls.size()).mapToObj(k -> DynamicTest.dynamicTest("killed after " + k + " of " + calls.size()
                + " mutating calls (before " + calls.get(k) + ") while " + busy.name() + ", again in recovery; then right after "
                + busy.heldWrite() + ", again in recovery", () -> killedWhileBusy(k, busy, census)));
    }

    /** {@code expected}: what a fault-free repair leaves, counted type by type. */
    private void killedWhileBusy(int k, Busy busy, Map<String, Integer> expected) {
        EmulatedAccount account = EmulatedAccount.fresh();
        provisioned(account, busy);
        int crashes = 0;
        try {
            busy.hold().accept(account);
            try (AwsClients other = account.clients()) {
                busy.outOfBand().accept(account, other);
            }
            try (AwsClients crashing = account.clients(new CrashAfter(k))) {
                crashes += CrashAfter.killed(() -> new LayerHarness(spec, crashing, busy.factory().get()).apply());
            }
            assertThat(crashes).as("the first run is killed after %d mutating calls", k).isEqualTo(1);
            try (AwsClients recovering = account.clients(new CrashAfter(1))) {
                crashes += CrashAfter.killed(() -> new LayerHarness(spec, recovering, busy.factory().get()).apply());
            }
            try (AwsClients aws = account.clients()) {
                assertThat(new LayerHarness(spec, aws, busy.factory().get()).apply().isComplete()).as("still busy").isFalse();
            }
            busy.finish().run();
            // AWS is free again: the run that starts the held write dies right after it, and AWS is busy with it once more.
            try (AwsClients dying = account.clients(new CrashAfterCarriedOut(busy.heldWrite()))) {
                int died = CrashAfter.killed(() -> new LayerHarness(spec, dying, busy.factory().get()).apply());
                assertThat(died).as("killed right after %s", busy.heldWrite()).isEqualTo(1);
                crashes += died;
            }
            try (AwsClients recovering = account.clients(new CrashAfter(1))) {
                // A second held write to the same resource now would be refused by the stub and fail here.
                crashes += CrashAfter.killed(() -> new LayerHarness(spec, recovering, busy.factory().get()).apply());
            }
            busy.finish().run();
            try (AwsClients aws = account.clients()) {
                assertThat(applyUntilReady(aws, busy, busy.factory().get())).as("%s converges within %d rounds", busy.name(), MAX_ROUNDS)
                        .isTrue();
                converged(aws, busy.factory().get(), expected, crashes);
            }
            try (AwsClients reader = account.clients()) {
                busy.readBack().accept(reader);
            }
        } finally {
            release(busy);
        }
        System.out.println(busy.name() + ", killed after " + k + ": " + crashes + " crashes");
    }

    /** The layer applied on a fresh account, ready: what the account holds then. */
    private Map<String, Integer> provisioned(EmulatedAccount account, Busy busy) {
        try (AwsClients aws = account.clients()) {
            if (busy.needsPrerequisites()) Prerequisites.create(aws, spec);
            assertThat(applyUntilReady(aws, busy.factory().get())).as("%s: the first apply completes", busy.name()).isTrue();
            return ResourceCensus.of(aws);
        }
    }

    private void converged(AwsClients aws, Layer layer, Map<String, Integer> expected, int crashes) {
        LayerHarness again = new LayerHarness(spec, aws, layer);
        assertThat(again.drift().changes()).isEmpty();
        assertThat(again.mutatingCallsOfApply()).isEmpty();
        assertThat(again.run().readiness(layer.name()).isReady()).isTrue();
        assertThat(ResourceCensus.of(aws)).as("resources by type after %d crashes vs. a fault-free run", crashes).isEqualTo(expected);
    }

    private static void release(Busy busy) {
        busy.finish().run();
        EmulatedAccount.local().rds().modifyingFor(0);
        EmulatedAccount.local().eks().nodegroupsUpdatingFor(0);
    }

    private boolean applyUntilReady(AwsClients aws, Busy busy, Layer layer) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            // AWS works between two rounds of the readiness loop; this is a test of crashes, not of waiting.
            busy.finish().run();
            LayerHarness harness = new LayerHarness(spec, aws, busy.factory().get());
            if (harness.apply().isComplete() && harness.run().readiness(layer.name()).isReady()) return true;
        }
        return false;
    }

    private boolean applyUntilReady(AwsClients aws, Layer layer) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            LayerHarness harness = new LayerHarness(spec, aws, layer);
            if (harness.apply().isComplete() && harness.run().readiness(layer.name()).isReady()) return true;
        }
        return false;
    }

    private static ExecutionInterceptor log(List<String> calls) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String op = ApiCallCounter.name(attributes);
                if (ApiCallCounter.isMutating(op)) calls.add(op);
            }
        };
    }

    private static ObjectNode masterSecret(AwsClients aws) {
        try {
            return (ObjectNode) new ObjectMapper().readTree(aws.secretsManager().getSecretValue(r -> r.secretId(MASTER_SECRET)).secretString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the master secret is not JSON", e);
        }
    }

    private static Map<String, Integer> withoutSecretVersions(Map<String, Integer> census) {
        Map<String, Integer> out = new java.util.TreeMap<>(census);
        out.remove("secret versions");
        return out;
    }

    private static int total(Map<String, Integer> census) {
        return census.values().stream().mapToInt(Integer::intValue).sum();
    }
}
