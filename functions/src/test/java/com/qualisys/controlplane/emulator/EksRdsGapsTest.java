package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.layers.EmulatedAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.eks.model.AddonStatus;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.UpdateStatus;
import software.amazon.awssdk.services.eks.model.VersionStatus;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;

/**
 * The EKS and RDS stubs' answers, read by the real SDK clients: each documented field the layers rely
 * on arrives typed as the API reference describes it (docs/emulator-gaps.md lists the gaps).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EksRdsGapsTest {
    final LocalAws local = LocalAws.shared();
    AwsClients aws;

    @BeforeAll
    void start() {
        aws = EmulatedAccount.fresh().clients();
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        String a = aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.9.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
        String role = aws.iam().createRole(r -> r.roleName("shapes").assumeRolePolicyDocument("{}")).role().arn();
        aws.eks().createCluster(r -> r.name("shapes").roleArn(role).version("1.29").resourcesVpcConfig(v -> v.subnetIds(a)));
        aws.eks().createNodegroup(r -> r.clusterName("shapes").nodegroupName("ng").nodeRole(role).subnets(a));
    }

    @AfterAll
    void close() {
        aws.close();
    }

    @Test
    void describeClusterVersionsListsVersionsWithTheirSupportStatus() {
        var versions = aws.eks().describeClusterVersions(r -> {}).clusterVersions();
        // As EKS offers them today (DescribeClusterVersions): 1.29 has left standard support.
        assertThat(versions).filteredOn(v -> v.versionStatus() == VersionStatus.EXTENDED_SUPPORT).extracting(v -> v.clusterVersion())
                .containsExactly("1.29", "1.30", "1.31");
        assertThat(versions).filteredOn(v -> v.versionStatus() == VersionStatus.STANDARD_SUPPORT).extracting(v -> v.clusterVersion())
                .containsExactly("1.32", "1.33", "1.34");
        assertThat(versions).filteredOn(v -> Boolean.TRUE.equals(v.defaultVersion())).hasSize(1);
    }

    @Test
    void describeAddonVersionsNamesTheDefaultVersionPerKubernetesVersion() {
        var info = aws.eks().describeAddonVersions(r -> r.addonName("coredns").kubernetesVersion("1.29")).addons();
        assertThat(info).singleElement().satisfies(i -> {
            assertThat(i.addonName()).isEqualTo("coredns");
            assertThat(i.addonVersions()).flatExtracting(v -> v.compatibilities())
                    .anySatisfy(c -> {
                        assertThat(c.clusterVersion()).isEqualTo("1.29");
                        assertThat(c.defaultVersion()).isTrue();
                    });
        });
        assertThat(aws.eks().describeAddonVersions(r -> r.addonName("coredns").kubernetesVersion("1.20")).addons()).isEmpty();
    }

    @Test
    void addOnsAreCreatedListedDescribedAndDeleted() {
        var created = aws.eks().createAddon(r -> r.clusterName("shapes").addonName("kube-proxy").addonVersion("v1.1.0-eksbuild.1")
                .tags(java.util.Map.of("k", "v"))).addon();
        assertThat(created.status()).isEqualTo(AddonStatus.CREATING);
        assertThat(aws.eks().listAddons(r -> r.clusterName("shapes")).addons()).containsExactly("kube-proxy");
        var described = aws.eks().describeAddon(r -> r.clusterName("shapes").addonName("kube-proxy")).addon();
        assertThat(described.status()).isEqualTo(AddonStatus.ACTIVE);
        assertThat(described.tags()).containsEntry("k", "v");
        assertThat(described.createdAt()).isNotNull();
        assertThat(aws.eks().deleteAddon(r -> r.clusterName("shapes").addonName("kube-proxy")).addon().status()).isEqualTo(AddonStatus.DELETING);
        assertThat(aws.eks().listAddons(r -> r.clusterName("shapes")).addons()).isEmpty();
    }

    @Test
    void versionUpdatesAnswerWithAnUpdateInProgressAndShowInTheDescribeAnswers() {
        var update = aws.eks().updateClusterVersion(r -> r.name("shapes").version("1.30")).update();
        assertThat(update.status()).isEqualTo(UpdateStatus.IN_PROGRESS);
        assertThat(aws.eks().describeCluster(r -> r.name("shapes")).cluster().version()).isEqualTo("1.30");
    }

    @Test
    void aClusterHeldInCreatingHasNoEndpointAndNoIssuerYet() {
        local.eks().holdCluster("shapes", "CREATING");
        var c = aws.eks().describeCluster(r -> r.name("shapes")).cluster();
        assertThat(c.status()).isEqualTo(ClusterStatus.CREATING);
        assertThat(c.endpoint()).isNull();
        assertThat(c.identity()).isNull();
        local.eks().releaseCluster("shapes");
        assertThat(aws.eks().describeCluster(r -> r.name("shapes")).cluster().status()).isEqualTo(ClusterStatus.ACTIVE);
    }

    @Test
    void describeDbEngineVersionsAnswersOnlyOfferedVersionsWithTheirFamily() {
        local.rds().offerPostgresVersions("15.8", "16.4");
        assertThat(aws.rds().describeDBEngineVersions(r -> r.engine("postgres").engineVersion("15.4")).dbEngineVersions()).isEmpty();
        DBEngineVersion v = aws.rds().describeDBEngineVersions(r -> r.engine("postgres").engineVersion("16.4")).dbEngineVersions().get(0);
        assertThat(v.dbParameterGroupFamily()).isEqualTo("postgres16");
        assertThat(v.majorEngineVersion()).isEqualTo("16");
        assertThat(v.status()).isEqualTo("available");
        local.rds().reset();
    }

    @Test
    void performanceInsightsAndAMaintenanceWindowTouchingTheBackupWindowAreKept() {
        aws.rds().createDBInstance(r -> r.dbInstanceIdentifier("shapes-db").engine("postgres").engineVersion("15.10")
                .dbInstanceClass("db.t3.medium").masterUsername("admin_user").masterUserPassword("Password123456")
                .allocatedStorage(20).preferredBackupWindow("03:00-04:00").preferredMaintenanceWindow("sun:04:00-sun:05:00")
                .enablePerformanceInsights(true).performanceInsightsRetentionPeriod(7));
        var db = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("shapes-db")).dbInstances().get(0);
        assertThat(db.performanceInsightsEnabled()).isTrue();
        assertThat(db.performanceInsightsRetentionPeriod()).isEqualTo(7);
        assertThat(db.preferredMaintenanceWindow()).isEqualTo("sun:04:00-sun:05:00");

        local.rds().holdInstance("shapes-db", "creating");
        var creating = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("shapes-db")).dbInstances().get(0);
        assertThat(creating.dbInstanceStatus()).isEqualTo("creating");
        assertThat(creating.endpoint()).isNull();
        local.rds().releaseInstance("shapes-db");
    }
}
