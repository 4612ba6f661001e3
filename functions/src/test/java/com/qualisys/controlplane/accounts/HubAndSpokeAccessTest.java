package com.qualisys.controlplane.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.engine.WriteFence;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.layers.EmulatedAccount;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * One hub, two spokes on the emulator (moto keeps accounts apart for credentials from AssumeRole of
 * a role in another account; the front door checks the spoke role's trust and external id): each
 * environment's resources land in its own account, and every refusal comes before any write.
 */
class HubAndSpokeAccessTest {
    private static final EmulatedAccounts accounts = new EmulatedAccounts(EmulatedAccount.local());
    // Accounts are made once per class: moto builds every AWS managed policy when an account first uses IAM.
    private static String hub;
    /** The report bucket as the CDK app names it for the functions (QUALISYS_REPORT_BUCKET: the specs' hub account and region). */
    private static final String DEPLOYED_REPORT_BUCKET = TestSpecs.load("dev").reportBucket();
    private static String devAccount;
    private static String stagingAccount;
    private static String bare;
    private static String foreignHub;
    private EnvironmentSpec dev;
    private EnvironmentSpec staging;
    private AwsClients hubClients;

    @BeforeAll
    static void accounts() {
        hub = EmulatedAccount.fresh().id();
        devAccount = EmulatedAccount.fresh().id();
        stagingAccount = EmulatedAccount.fresh().id();
        bare = EmulatedAccount.fresh().id();
        foreignHub = EmulatedAccount.fresh().id();
    }

    @BeforeEach
    void hubAndTwoSpokes() {
        dev = placed("dev", devAccount);
        staging = placed("staging", stagingAccount);
        accounts.deploySpoke(devAccount, List.of(EmulatedAccounts.hubRoleArn(hub)), dev.aws().externalId());
        accounts.deploySpoke(stagingAccount, List.of(EmulatedAccounts.hubRoleArn(hub)), staging.aws().externalId());
        hubClients = accounts.hub(hub);
    }

    @AfterEach
    void close() {
        hubClients.close();
    }

    private static EnvironmentSpec placed(String env, String account) {
        return SpecVariant.of(env, "aws:\n  accountId: \"" + account + "\"\n  hubAccountId: \"" + hub + "\"\n");
    }

    /** The handlers' control plane as deployed: the hub's own clients, each environment by its role. */
    private ControlPlane controlPlane() {
        return new ControlPlane(TestSpecs.loader(), () -> hubClients, null, Layers.all(),
                new ControlPlane.Settings(null, null, DEPLOYED_REPORT_BUCKET, "qualisys-control-plane-locks", "default"));
    }

    @Test
    void eachEnvironmentIsProvisionedInItsOwnAccountAndNoneInTheHubOrTheOtherSpoke() {
        ControlPlane cp = controlPlane();
        assertThat(cp.aws(dev).accountId()).isEqualTo(devAccount);
        assertThat(cp.aws(dev).sts().getCallerIdentity().arn())
                .as("the environment's execution role, in a session named after what runs")
                .startsWith("arn:aws:sts::" + devAccount + ":assumed-role/" + EmulatedAccounts.EXECUTION_ROLE_NAME + "/qualisys-");

        // Where the resources land is the question here, not the lock (OneWriterTest): no lock table in this hub.
        cp.reconciler(dev).fencedBy(WriteFence.UNCHECKED).apply("vpc", false);
        cp.reconciler(staging).fencedBy(WriteFence.UNCHECKED).apply("vpc", false);

        assertThat(environmentsWithVpcsIn(devAccount)).containsExactly("dev");
        assertThat(environmentsWithVpcsIn(stagingAccount)).containsExactly("staging");
        assertThat(environmentsWithVpcsIn(hub)).isEmpty();
    }

    @Test
    void aWrongExternalIdIsRefusedNamingTheEnvironmentWithNothingChanged() {
        EnvironmentSpec wrong = SpecVariant.of("dev", "aws:\n  accountId: \"" + devAccount + "\"\n  externalId: not-the-one-the-spoke-trusts\n");
        ControlPlane cp = controlPlane();
        int before = vpcCount(devAccount);

        assertThatThrownBy(() -> cp.reconciler(wrong).apply("vpc", false))
                .isInstanceOf(EnvironmentAccessException.class)
                .hasMessageContaining("environment dev: cannot assume arn:aws:iam::" + devAccount + ":role/control-plane/qualisys-control-plane-execution")
                .hasMessageContaining("not authorized to perform: sts:AssumeRole")
                .hasMessageContaining("nothing was changed")
                .hasMessageNotContaining("not-the-one-the-spoke-trusts");
        assertThat(vpcCount(devAccount)).isEqualTo(before);
        assertThat(hubClients.calls().mutatingByOperation().keySet()).as("the hub only asked STS").containsOnly("Sts.AssumeRole");
    }

    @Test
    void aRoleThatCannotBeAssumedIsRefused() {
        EmulatedAccount.local().trust().enforceIn(bare); // a spoke whose stack was never deployed
        List<String> before = environmentsWithVpcsIn(devAccount);
        accounts.deploySpoke(devAccount, List.of(EmulatedAccounts.hubRoleArn(foreignHub)), dev.aws().externalId());
        for (EnvironmentSpec spec : List.of(placed("dev", bare), dev)) {
            ControlPlane cp = controlPlane();
            assertThatThrownBy(() -> cp.aws(spec))
                    .isInstanceOf(EnvironmentAccessException.class)
                    .hasMessageContaining("environment dev: cannot assume")
                    .hasMessageContaining("from account " + hub);
        }
        assertThat(environmentsWithVpcsIn(devAccount)).isEqualTo(before);
    }

    @Test
    void credentialsActingInAnotherAccountThanTheSpecNamesAreRefusedBeforeAnyWrite() {
        int devBefore = vpcCount(devAccount);
        int stagingBefore = vpcCount(stagingAccount);
        try (AwsClients inStaging = accounts.administrator(stagingAccount)) {
            ControlPlane cp = new ControlPlane(TestSpecs.loader(), () -> hubClients,
                    (spec, session) -> inStaging, Layers.all(),
                    new ControlPlane.Settings(null, null, DEPLOYED_REPORT_BUCKET, "qualisys-control-plane-locks", "default"));
            assertThatThrownBy(() -> cp.reconciler(dev).apply("vpc", false))
                    .isInstanceOf(AccountMismatchException.class)
                    .hasMessage("environment dev: the credentials act in account " + stagingAccount + ", but aws.accountId is "
                            + devAccount + "; refusing to touch account " + stagingAccount + ", nothing was changed");
            assertThat(inStaging.calls().mutating()).isZero();
        }
        assertThat(vpcCount(stagingAccount)).isEqualTo(stagingBefore);
        assertThat(vpcCount(devAccount)).isEqualTo(devBefore);
    }

    @Test
    void withoutAssumingARoleTheCallersOwnAccountMustBeTheEnvironments() {
        assertThatThrownBy(() -> EnvironmentAccess.forCaller(hubClients, dev, "cli-apply-dev", false))
                .isInstanceOf(AccountMismatchException.class)
                .hasMessageContaining("account " + hub + ", but aws.accountId is " + devAccount);
        assertThat(EnvironmentAccess.forCaller(hubClients, dev, "cli-apply-dev", true).accountId()).isEqualTo(devAccount);
    }

    @Test
    void sessionNamesAreWhatStsAccepts() {
        assertThat(EnvironmentAccess.sessionName("arn:aws:states:us-east-1:1:execution:qualisys-provision:run 1/ä"))
                .matches("[\\w+=,.@-]{2,64}").startsWith("qualisys-arn-aws-states");
        assertThat(EnvironmentAccess.sessionName(null)).isEqualTo("qualisys-control-plane");
    }

    private static int vpcCount(String account) {
        try (AwsClients admin = accounts.administrator(account)) {
            return admin.ec2().describeVpcs().vpcs().size();
        }
    }

    private static List<String> environmentsWithVpcsIn(String account) {
        try (AwsClients admin = accounts.administrator(account)) {
            return admin.ec2().describeVpcs(r -> r.filters(Filter.builder().name("tag-key").values("qualisys:environment").build()))
                    .vpcs().stream().flatMap(v -> v.tags().stream()).filter(t -> t.key().equals("qualisys:environment"))
                    .map(t -> t.value()).distinct().sorted().toList();
        }
    }
}
