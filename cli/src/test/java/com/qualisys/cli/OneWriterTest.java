package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.Lease;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * {@code qualisys apply} holds the environment's lock: two applies started together on a fresh
 * emulator used to make two VPCs (issue 14); now one applies and the other is refused naming it, and
 * an apply while a provision holds the lock is refused naming the provision, before any write.
 * {@code qualisys unlock} breaks a lock only with the holder's lease id.
 */
class OneWriterTest {
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private final MotoServer moto = MotoServer.shared();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeEach
    void freshEmulator() {
        moto.reset();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void twoAppliesStartedTogetherMakeOneVpcAndTheSecondIsRefusedNamingTheFirst() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Cli.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(pool.submit(() -> {
                start.await();
                return Cli.run("apply", "--env", "dev", "--layer", "vpc", "--emulator", "--endpoint-url", moto.endpoint());
            }));
        }
        start.countDown();
        List<Cli.Result> results = new ArrayList<>();
        for (Future<Cli.Result> run : runs) results.add(run.get(300, TimeUnit.SECONDS));

        assertThat(results).as("%s", results).extracting(Cli.Result::exitCode).containsExactlyInAnyOrder(QualisysCli.OK, QualisysCli.ERROR);
        Cli.Result refused = results.stream().filter(r -> r.exitCode() == QualisysCli.ERROR).findFirst().orElseThrow();
        assertThat(refused.err()).contains("error: environment dev is being applied by qualisys apply by " + System.getProperty("user.name") + "@")
                .contains("qualisys unlock --env dev --lease ");
        assertThat(refused.out()).as("the refused apply changed nothing").isEmpty();
        try (AwsClients aws = moto.clients()) {
            assertThat(aws.ec2().describeVpcs(r -> r.filters(Filter.builder().name("tag:qualisys:environment").values("dev").build())).vpcs())
                    .as("VPCs of dev").hasSize(1);
            assertThat(aws.ec2().describeNatGateways().natGateways()).as("NAT gateways").hasSize(2);
            assertThat(ApplyLock.of(aws, DEV.state()).current("dev")).as("the lease is given back").isEmpty();
        }
    }

    @Test
    void anApplyWhileAProvisionHoldsTheLockIsRefusedNamingTheProvisionAndWritesNothing() {
        String provision = "arn:aws:states:us-east-1:123456789012:execution:qualisys-provision:dev-20260101T120000Z-1a2b3c";
        Lease held;
        try (AwsClients aws = moto.clients()) {
            LocalControlPlane.bootstrapState(DEV, aws); // the lock table, as the CDK app deploys it
            held = ApplyLock.of(aws, DEV.state()).acquire("dev", provision, Duration.ofHours(1));
        }

        Cli.Result apply = Cli.run("apply", "--env", "dev", "--layer", "vpc", "--emulator", "--endpoint-url", moto.endpoint());

        assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(QualisysCli.ERROR);
        assertThat(apply.err()).startsWith("error: environment dev is being applied by " + provision + " (lease expires " + held.expiresAt() + ")")
                .contains("qualisys unlock --env dev --lease " + held.leaseId());
        try (AwsClients aws = moto.clients()) {
            assertThat(aws.ec2().describeVpcs(r -> r.filters(Filter.builder().name("tag:qualisys:environment").values("dev").build())).vpcs())
                    .as("nothing was created").isEmpty();
            assertThat(ApplyLock.of(aws, DEV.state()).current("dev")).hasValueSatisfying(l -> assertThat(l.leaseId()).isEqualTo(held.leaseId()));
        }
    }

    @Test
    void unlockBreaksALeaseOnlyWithItsIdAndRecordsWhoDidIt() {
        Lease gone;
        try (AwsClients aws = moto.clients()) {
            LocalControlPlane.bootstrapState(DEV, aws);
            gone = ApplyLock.of(aws, DEV.state()).acquire("dev", "qualisys apply by alice@laptop (pid 4242)", Duration.ofHours(1));
        }
        Cli.Result noLease = Cli.run("unlock", "--env", "dev", "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(noLease.exitCode()).isNotZero();
        assertThat(noLease.err()).contains("Missing required option: '--lease=ID'");

        Cli.Result wrong = Cli.run("unlock", "--env", "dev", "--lease", "3f1d-not-it", "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(wrong.exitCode()).isEqualTo(QualisysCli.ERROR);
        assertThat(wrong.err()).contains("lease 3f1d-not-it is not the lease on dev: it is held by qualisys apply by alice@laptop (pid 4242)")
                .contains("nothing was unlocked");

        Cli.Result unlock = Cli.run("unlock", "--env", "dev", "--lease", gone.leaseId(), "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(unlock.exitCode()).as(unlock.toString()).isZero();
        try (AwsClients aws = moto.clients()) {
            String me = aws.sts().getCallerIdentity().arn();
            assertThat(unlock.out()).isEqualTo("unlocked dev: broke the lease of qualisys apply by alice@laptop (pid 4242) (fencing token "
                    + gone.generation() + ", taken " + gone.acquiredAt() + "); recorded as unlocked by " + me + "\n");
            ApplyLock lock = ApplyLock.of(aws, DEV.state());
            assertThat(lock.current("dev")).isEmpty();
            assertThat(lock.record("dev")).containsEntry("unlockedBy", me).containsEntry("lastHolder", "qualisys apply by alice@laptop (pid 4242)");
        }
        Cli.Result apply = Cli.run("apply", "--env", "dev", "--layer", "account", "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(apply.exitCode()).as(apply.toString()).isIn(QualisysCli.OK, QualisysCli.CHANGES);
    }
}
