package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Targeted plan and apply (one resource of a layer, as a security response checks it) and intentional
 * overrides (reported, never reverted), with the real VPC layer against the emulator.
 */
class TargetedReconcileTest {
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private static final String RDS = "vpc/security-group/rds";
    private static final String CACHE = "vpc/security-group/elasticache";
    private MotoServer moto;
    private AwsClients observer;

    @BeforeEach
    void appliedNetworkWithTwoGroupsDrifted() {
        moto = MotoServer.shared();
        moto.reset();
        observer = moto.clients();
        new Reconciler(DEV, observer, List.of(new VpcLayer())).apply("vpc", false);
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(group(RDS).groupId()).ipPermissions(p -> p.ipProtocol("tcp")
                .fromPort(5432).toPort(5432).ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
        observer.ec2().authorizeSecurityGroupEgress(r -> r.groupId(group(CACHE).groupId()).ipPermissions(p -> p.ipProtocol("-1")
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
    }

    @AfterEach
    void close() {
        observer.close();
    }

    @Test
    void aTargetedDriftCheckReportsOnlyTheTouchedResourceAndItsApplyRepairsOnlyThat() {
        try (AwsClients aws = moto.clients()) {
            Plan targeted = new Reconciler(DEV, aws, List.of(new VpcLayer())).plan("vpc", Set.of(RDS));
            assertThat(targeted.changes()).extracting(Change::logicalId).containsExactly(RDS);

            Reconciler.ApplyResult applied = new Reconciler(DEV, aws, List.of(new VpcLayer())).apply("vpc", Set.of(RDS), false);
            assertThat(applied.applied()).extracting(Change::logicalId).containsExactly(RDS);
        }
        assertThat(group(RDS).ipPermissions()).singleElement().satisfies(p -> assertThat(p.ipRanges()).isEmpty());
        try (AwsClients aws = moto.clients()) {
            assertThat(new Reconciler(DEV, aws, List.of(new VpcLayer())).plan("vpc").changes()).as("the other group is left for its own check")
                    .extracting(Change::logicalId).containsExactly(CACHE);
        }
    }

    @Test
    void aResourceTheLayerDoesNotHaveIsRejectedBeforeAnyMutatingCall() {
        try (AwsClients aws = moto.clients()) {
            Reconciler reconciler = new Reconciler(DEV, aws, List.of(new VpcLayer()));
            assertThatThrownBy(() -> reconciler.apply("vpc", Set.of("vpc/security-group/redis"), false))
                    .isInstanceOf(UnknownResourceException.class)
                    .hasMessage("layer vpc has no resource vpc/security-group/redis: it is neither in the spec nor found live");
            assertThatThrownBy(() -> reconciler.plan("vpc", Set.of("eks/node-group/general")))
                    .isInstanceOf(UnknownResourceException.class).hasMessage("resource eks/node-group/general is not in layer vpc");
            assertThat(aws.calls().mutating()).isZero();
        }
    }

    @Test
    void anOverriddenAttributeIsReportedAsAnOverrideAndApplyRepairsTheRestWithoutRevertingIt() {
        String rds = group(RDS).groupId();
        observer.ec2().createTags(r -> r.resources(rds).tags(t -> t.key("Name").value("renamed-by-hand")));
        List<String> opened = List.of("tcp:5432:0.0.0.0/0", "tcp:5432:sg:db-functions", "tcp:5432:sg:k8s-nodes");
        AttributeOverride override = new AttributeOverride("open-for-migration", RDS, "ingress", opened, "database migration window");

        try (AwsClients aws = moto.clients()) {
            Plan drift = new Reconciler(DEV, aws, List.of(new VpcLayer())).withOverrides(env -> List.of(override)).plan("vpc", Set.of(RDS));
            assertThat(drift.overridden()).singleElement().satisfies(o -> {
                assertThat(o.difference().path()).isEqualTo("ingress");
                assertThat(o.difference().actual()).isEqualTo(opened);
                assertThat(o.overrideId()).isEqualTo("open-for-migration");
            });
            assertThat(drift.changes()).singleElement().satisfies(c -> assertThat(c.differences()).extracting(Difference::path)
                    .containsExactly("tags.Name"));

            aws.calls().reset();
            new Reconciler(DEV, aws, List.of(new VpcLayer())).withOverrides(env -> List.of(override)).apply("vpc", Set.of(RDS), false);
            assertThat(aws.calls().mutatingByOperation()).as("the name is repaired, the rules are left as overridden")
                    .containsExactly(Map.entry("Ec2.CreateTags", 1));
        }
        assertThat(group(RDS).tags()).anySatisfy(t -> assertThat(t.value()).isEqualTo("qualisys-rds-sg"));
        assertThat(group(RDS).ipPermissions()).as("the override is not reverted").anySatisfy(p -> assertThat(p.ipRanges()).isNotEmpty());
        try (AwsClients aws = moto.clients()) {
            Plan later = new Reconciler(DEV, aws, List.of(new VpcLayer())).plan("vpc", Set.of(RDS));
            assertThat(later.overridden()).as("without the override it is drift again").isEmpty();
            assertThat(later.changes()).singleElement().satisfies(c -> assertThat(c.differences()).extracting(Difference::path)
                    .containsExactly("ingress"));
        }
    }

    private SecurityGroup group(String logicalId) {
        return observer.ec2().describeSecurityGroups(r -> r.filters(Filter.builder().name("tag:" + Tags.LOGICAL_ID).values(logicalId).build()))
                .securityGroups().getFirst();
    }
}
