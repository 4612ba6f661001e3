package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.Faults;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every create of every layer is carried out by the emulator and its answer lost (a 500 in its
 * place, as when a connection drops after AWS acted). Creates with a client token are retried by
 * the SDK and answered with the first result (the front door keeps AWS's client-token idempotency
 * for an answer it lost); the others fail the run (CreateRetryGuard) and the next run finds what
 * they made by its tags or names. Afterwards the account holds exactly what a fault-free
 * apply makes, counted type by type with list calls of their own ({@link ResourceCensus}).
 */
class LostResponseTest {
    private static final int MAX_RUNS = 80;
    private final EnvironmentSpec spec = TestSpecs.load("dev");
    private final List<Layer> layers = Layers.all().stream().filter(l -> !l.name().equals("kubernetes")).toList();

    @Test
    void aLostResponseOnEveryCreateOfEveryLayerLeavesNoDuplicate() {
        // S3 bucket names are global across moto's accounts: start from an empty emulator, so that no
        // bucket an earlier test class left holds a name this test's accounts create.
        EmulatedAccount.local().reset();
        Map<String, Integer> clean;
        try (AwsClients aws = EmulatedAccount.fresh().clients()) {
            for (Layer layer : layers) {
                Runs runs = applyUntilComplete(aws, spec, layer);
                assertThat(runs.complete).as("fault-free apply of %s: %s", layer.name(), runs.why).isTrue();
            }
            clean = ResourceCensus.of(aws);
            // The faulted run's account needs the names back.
            for (var bucket : aws.s3().listBuckets().buckets()) EmulatedAccount.releaseBucket(aws, bucket.name());
        }

        EmulatedAccount account = EmulatedAccount.fresh();
        Faults faults = EmulatedAccount.local().faults();
        faults.on(Faults.Kind.LOST_RESPONSE, "every create", Faults::isCreate);
        List<String> figures = new ArrayList<>();
        Map<String, Integer> faulted;
        try (AwsClients aws = account.clients()) {
            for (Layer layer : layers) {
                int before = faults.injected().size();
                Runs runs = applyUntilComplete(aws, spec, layer);
                assertThat(runs.complete).as("%s converges within %d runs despite lost responses; runs ended: %s", layer.name(), MAX_RUNS,
                        String.join("\n", runs.why)).isTrue();
                figures.add(layer.name() + ": " + (faults.injected().size() - before) + " create responses lost, " + runs.runs
                        + " runs (" + runs.failed + " failed)");
            }
            faults.clear();
            for (Layer layer : layers) {
                assertThat(new LayerHarness(spec, aws, layer).drift().changes()).as("drift of %s", layer.name()).isEmpty();
            }
            faulted = ResourceCensus.of(aws);
        } finally {
            faults.clear();
        }
        System.out.println("Lost responses, per layer: " + String.join("; ", figures));
        System.out.println("Resources counted (" + faulted.size() + " types, " + faulted.values().stream().mapToInt(Integer::intValue).sum()
                + " resources): " + faulted);
        assertThat(faulted).as("resources by type after lost responses vs. a fault-free apply").isEqualTo(clean);
    }

    /** The census is the oracle: a duplicate of any kind must change it (the test of the test). */
    @Test
    void theCensusSeesADuplicateOfEachKindItCounts() {
        try (AwsClients aws = EmulatedAccount.fresh().clients()) {
            Map<String, Integer> before = ResourceCensus.of(aws);
            String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.99.0.0/16")).vpc().vpcId();
            aws.ec2().createSecurityGroup(r -> r.vpcId(vpc).groupName("extra").description("extra"));
            String role = aws.iam().createRole(r -> r.roleName("extra").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
                            + "\"Action\":\"sts:AssumeRole\"}]}")).role().roleName();
            aws.iam().putRolePolicy(r -> r.roleName(role).policyName("inline").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            String key = aws.kms().createKey(r -> {}).keyMetadata().keyId();
            aws.kms().createAlias(r -> r.aliasName("alias/extra").targetKeyId(key));
            String secret = aws.secretsManager().createSecret(r -> r.name("extra").secretString("one")).arn();
            aws.secretsManager().putSecretValue(r -> r.secretId(secret).secretString("two"));
            aws.rds().createDBParameterGroup(r -> r.dbParameterGroupName("extra").dbParameterGroupFamily("postgres15").description("extra"));

            Map<String, Integer> after = ResourceCensus.of(aws);
            Map<String, Integer> grown = new java.util.TreeMap<>();
            after.forEach((type, n) -> {
                if (!n.equals(before.get(type))) grown.put(type, n - before.get(type));
            });
            assertThat(grown).containsEntry("ec2 vpcs", 1).containsEntry("ec2 security groups", 2) // the VPC's default group too
                    .containsEntry("iam roles", 1).containsEntry("iam inline role policies", 1).containsEntry("kms keys", 1)
                    .containsEntry("kms aliases", 1).containsEntry("secrets", 1).containsEntry("secret versions", 2)
                    .containsEntry("rds parameter groups", 1);
        }
    }

    private record Runs(boolean complete, int runs, int failed, List<String> why) {}

    private static Runs applyUntilComplete(AwsClients aws, EnvironmentSpec spec, Layer layer) {
        int failed = 0;
        List<String> why = new ArrayList<>();
        for (int run = 1; run <= MAX_RUNS; run++) {
            try {
                Reconciler.ApplyResult result = new LayerHarness(spec, aws, layer).apply();
                if (result.isComplete()) return new Runs(true, run, failed, why);
                why.add("pending: " + result.pending());
            } catch (RuntimeException e) {
                failed++;
                why.add(String.valueOf(e.getMessage()));
            }
        }
        return new Runs(false, MAX_RUNS, failed, why);
    }
}
