package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.ApiCallCounter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A run killed after its k-th mutating call, for every k of a full apply, then run again:
 * it converges (no drift, a further apply changes nothing) and nothing was made twice — one
 * cluster, two node groups, one key, one instance, two secrets — and the instance has the
 * password its master secret holds. Each k runs in an empty emulated account of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashSafetyTest {
    final EnvironmentSpec spec = TestSpecs.load("dev");
    final LocalAws local = LocalAws.shared();

    @BeforeAll
    void start() {
    }

    @TestFactory
    Stream<DynamicTest> eksConvergesWithoutDuplicatesWhereverTheRunIsKilled() {
        return crashPoints(EksLayer::new, (aws, account) -> {
            assertThat(aws.eks().listClusters().clusters()).containsExactly("qualisys-eks");
            assertThat(aws.eks().listNodegroups(r -> r.clusterName("qualisys-eks")).nodegroups())
                    .containsExactlyInAnyOrder("qualisys-general", "qualisys-playwright-pool");
            assertThat(aws.eks().listAddons(r -> r.clusterName("qualisys-eks")).addons()).hasSize(3);
            assertThat(aws.kms().listKeys().keys()).as("KMS keys in the account").hasSize(1);
            assertThat(aws.ec2().describeLaunchTemplates().launchTemplates()).hasSize(2);
            assertThat(aws.iam().listOpenIDConnectProviders().openIDConnectProviderList()).hasSize(1);
            assertThat(aws.iam().listRoles().roles()).extracting(r -> r.roleName()).containsExactlyInAnyOrder(
                    "QualisysEKSService", "qualisys-eks-node-role", "qualisys-cluster-autoscaler", "qualisys-alb-controller");
        });
    }

    @TestFactory
    Stream<DynamicTest> rdsConvergesWithoutDuplicatesWhereverTheRunIsKilled() {
        return crashPoints(RdsLayer::new, (aws, account) -> {
            assertThat(aws.rds().describeDBInstances().dbInstances()).extracting(d -> d.dbInstanceIdentifier()).containsExactly("qualisys-db");
            assertThat(aws.kms().listKeys().keys()).as("KMS keys in the account").hasSize(1);
            assertThat(aws.secretsManager().listSecrets().secretList()).extracting(s -> s.name())
                    .containsExactlyInAnyOrder("qualisys/database/master", "qualisys/database/connection");
            String master = aws.secretsManager().getSecretValue(r -> r.secretId("qualisys/database/master")).secretString();
            try {
                assertThat(local.rds().masterPasswordSent("qualisys-db"))
                        .isEqualTo(new ObjectMapper().readTree(master).path("password").asText());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    private Stream<DynamicTest> crashPoints(Supplier<Layer> layer, BiConsumer<AwsClients, EmulatedAccount> noDuplicates) {
        List<String> mutating = cleanRun(layer);
        return IntStream.range(0, mutating.size()).mapToObj(k -> DynamicTest.dynamicTest(
                "killed after " + k + " of " + mutating.size() + " mutating calls, before " + mutating.get(k),
                () -> killedAfter(k, layer, noDuplicates)));
    }

    /** The mutating calls a full apply makes, in order. */
    private List<String> cleanRun(Supplier<Layer> layer) {
        EmulatedAccount account = EmulatedAccount.fresh();
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutionInterceptor log = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String op = ApiCallCounter.name(attributes);
                if (ApiCallCounter.isMutating(op)) calls.add(op);
            }
        };
        try (AwsClients setup = account.clients(); AwsClients aws = account.clients(log)) {
            Prerequisites.create(setup, spec);
            assertThat(new LayerHarness(spec, aws, layer.get()).apply().isComplete()).isTrue();
        }
        return List.copyOf(calls);
    }

    private void killedAfter(int k, Supplier<Layer> layer, BiConsumer<AwsClients, EmulatedAccount> noDuplicates) {
        EmulatedAccount account = EmulatedAccount.fresh();
        try (AwsClients setup = account.clients()) {
            Prerequisites.create(setup, spec);
        }
        try (AwsClients crashing = account.clients(new CrashAfter(k))) {
            assertThatThrownBy(() -> new LayerHarness(spec, crashing, layer.get()).apply())
                    .hasStackTraceContaining("simulated crash before mutating call #" + (k + 1));
        }
        try (AwsClients aws = account.clients()) {
            LayerHarness again = new LayerHarness(spec, aws, layer.get());
            Reconciler.ApplyResult result = again.apply();
            assertThat(result.isComplete()).as("pending: %s", result.pending()).isTrue();
            assertThat(again.drift().changes()).isEmpty();
            assertThat(again.mutatingCallsOfApply()).isEmpty();
            noDuplicates.accept(aws, account);
        }
    }
}
