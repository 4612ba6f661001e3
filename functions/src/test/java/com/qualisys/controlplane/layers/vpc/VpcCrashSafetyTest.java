package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.EmulatedAccount;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;

/**
 * A run killed after its k-th mutating call, for every k of a clean apply, then run again with
 * healthy clients, ends in the same network: no drift, and not one NAT gateway, Elastic IP, route
 * table, subnet or security group too many. Every run (the clean one and each k's pair) starts in an
 * empty emulated account of its own: the emulator starts once per JVM and is not reset per step
 * (a moto reset rebuilds every AWS managed IAM policy; switching accounts is one request header).
 */
class VpcCrashSafetyTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");

    @Test
    void anApplyKilledAfterAnyMutatingCallConvergesOnTheNextRunWithoutDuplicates() {
        int total;
        Map<String, Integer> clean;
        try (AwsClients aws = EmulatedAccount.fresh().clients()) {
            apply(aws);
            total = aws.calls().mutating();
            System.out.printf("VpcCrashSafetyTest: a clean apply makes %d API calls, %d of them mutating: %s%n",
                    aws.calls().total(), total, aws.calls().mutatingByOperation());
            clean = inventory(aws.ec2());
        }
        assertThat(clean).containsEntry("vpcs", 1).containsEntry("subnets", 6).containsEntry("nat gateways", 2)
                .containsEntry("elastic ips", 2).containsEntry("route tables", 4).containsEntry("security groups", 5)
                .containsEntry("network acls", 3).containsEntry("internet gateways", 1).containsEntry("flow logs", 1);

        long start = System.nanoTime();
        for (int k = 0; k <= total; k++) {
            EmulatedAccount account = EmulatedAccount.fresh();
            try (AwsClients crashing = account.clients(new CrashAfter(k))) {
                try {
                    apply(crashing);
                    if (k < total) fail("k=" + k + ": the run should have been killed before mutating call " + (k + 1));
                } catch (RuntimeException e) {
                    if (!isSimulatedCrash(e)) throw new AssertionError("k=" + k + ": apply failed for another reason", e);
                }
            }
            try (AwsClients aws = account.clients()) {
                apply(aws);
                Plan drift = new Reconciler(SPEC, aws, List.of(new VpcLayer())).plan("vpc");
                assertThat(drift.changes()).as("k=%d: drift after the second run", k).isEmpty();
                assertThat(inventory(aws.ec2())).as("k=%d: what the account holds", k).isEqualTo(clean);
            }
        }
        System.out.printf("VpcCrashSafetyTest: crashed after k = 0..%d mutating calls (%d runs), each run again to convergence, in %.1f s%n",
                total, total + 1, (System.nanoTime() - start) / 1e9);
    }

    private static void apply(AwsClients aws) {
        new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
    }

    private static boolean isSimulatedCrash(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof CrashAfter.SimulatedCrash) return true;
        return false;
    }

    /** Everything of the kinds a crash could duplicate, in the whole account (not only what is tagged). */
    static Map<String, Integer> inventory(Ec2Client ec2) {
        List<String> ours = ec2.describeVpcs(r -> r.filters(Filter.builder().name("cidr").values("10.0.0.0/16").build()))
                .vpcs().stream().map(v -> v.vpcId()).toList();
        Filter inOurVpc = Filter.builder().name("vpc-id").values(ours.isEmpty() ? List.of("none") : ours).build();
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("vpcs", ours.size());
        counts.put("subnets", ec2.describeSubnets(r -> r.filters(inOurVpc)).subnets().size());
        counts.put("internet gateways", ec2.describeInternetGateways().internetGateways().size());
        counts.put("elastic ips", ec2.describeAddresses().addresses().size());
        counts.put("nat gateways", (int) ec2.describeNatGateways().natGateways().stream()
                .filter(n -> n.state() == NatGatewayState.AVAILABLE || n.state() == NatGatewayState.PENDING).count());
        counts.put("route tables", (int) ec2.describeRouteTables(r -> r.filters(inOurVpc)).routeTables().stream()
                .filter(t -> t.associations().stream().noneMatch(a -> Boolean.TRUE.equals(a.main()))).count());
        counts.put("security groups", (int) ec2.describeSecurityGroups(r -> r.filters(inOurVpc)).securityGroups().stream()
                .filter(g -> !g.groupName().equals("default")).count());
        counts.put("network acls", (int) ec2.describeNetworkAcls(r -> r.filters(inOurVpc)).networkAcls().stream()
                .filter(a -> !a.isDefault()).count());
        counts.put("flow logs", ec2.describeFlowLogs().flowLogs().size());
        return counts;
    }
}
