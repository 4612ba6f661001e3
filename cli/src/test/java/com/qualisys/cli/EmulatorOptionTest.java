package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.local.AwsTarget;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Emulator behaviour is an explicit option (--emulator, QUALISYS_EMULATOR): a loopback endpoint
 * alone changes neither the waits, nor the credentials, nor the resources created.
 */
class EmulatorOptionTest {
    private static final String LOOPBACK = "http://127.0.0.1:4566";

    @AfterEach
    void forgetTarget() {
        AwsTarget.forget();
    }

    @Test
    void aLoopbackEndpointWithoutTheOptionWaitsInRealTime() {
        RunCommand run = parse(new RunCommand(), "provision", "--env", "dev", "--local", "--endpoint-url", LOOPBACK);
        assertThat(run.emulator.waitScale(run.waitScale)).isEqualTo(1.0);

        RunCommand emulated = parse(new RunCommand(), "provision", "--env", "dev", "--local", "--emulator", "--endpoint-url", LOOPBACK);
        assertThat(emulated.emulator.waitScale(emulated.waitScale)).isZero();

        RunCommand scaled = parse(new RunCommand(), "provision", "--env", "dev", "--local", "--emulator", "--wait-scale", "0.5");
        assertThat(scaled.emulator.waitScale(scaled.waitScale)).isEqualTo(0.5);

        SimulateEventCommand event = parse(new SimulateEventCommand(), "--env", "dev", "--endpoint-url", "http://localhost:4566", "event.json");
        assertThat(event.emulator.waitScale(null)).isEqualTo(1.0);
        RestoreCommand restore = parse(new RestoreCommand(), "--env", "dev", "--endpoint-url", "http://[::1]:4566", "--all-expired");
        assertThat(restore.emulator.waitScale(null)).isEqualTo(1.0);
    }

    @Test
    void aNegativeWaitScaleIsRefusedNamingTheOption() {
        com.qualisys.cli.testing.Cli.Result r = com.qualisys.cli.testing.Cli.run("run", "provision", "--env", "dev", "--local", "--emulator", "--wait-scale", "-1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--wait-scale must be a finite number >= 0, got -1.0");
    }

    @Test
    void aLoopbackEndpointWithoutTheOptionSignsWithTheUsersCredentials() {
        EnvironmentSpec dev = TestSpecs.loader().load("dev");
        try (AwsClients ignored = LocalControlPlane.clients(dev, LOOPBACK, false)) {
            assertThat(AwsTarget.current().credentials()).doesNotContain("emulator");
        }
        try (AwsClients ignored = LocalControlPlane.clients(dev, LOOPBACK, true)) {
            assertThat(AwsTarget.current().credentials()).isEqualTo("the emulator's test credentials");
        }
    }

    @Test
    void theControlPlanesOwnResourcesAreCreatedOnlyWhenAskedFor() {
        EnvironmentSpec dev = TestSpecs.loader().load("dev");
        LocalAws local = LocalAws.shared();
        // S3 bucket names are global across moto's accounts: the state bucket another test class left in the
        // default account would refuse this account's create.
        local.reset();
        // An emulated account of its own (moto's x-moto-account-id): nothing else creates there, so what the
        // first call leaves out cannot be hidden by what another test class made in the default account.
        try (AwsClients aws = new EmulatedAccounts(local).administrator("204060801234")) {
            LocalControlPlane.create(TestSpecs.loader(), dev, aws, false);
            assertThat(aws.sns().listTopics().topics()).noneMatch(t -> t.topicArn().endsWith(":" + LocalControlPlane.ALERT_TOPIC));
            assertThat(aws.dynamoDb().listTables().tableNames()).doesNotContain(dev.state().lockTable());

            LocalControlPlane.create(TestSpecs.loader(), dev, aws, true);
            assertThat(aws.sns().listTopics().topics()).anyMatch(t -> t.topicArn().endsWith(":" + LocalControlPlane.ALERT_TOPIC));
            assertThat(aws.s3().listBuckets().buckets()).anyMatch(b -> b.name().equals(dev.reportBucket()));
            assertThat(aws.dynamoDb().listTables().tableNames()).contains(dev.state().lockTable());
        }
    }

    private static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
