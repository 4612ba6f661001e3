package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Emulator behaviour is an explicit option: a loopback endpoint alone changes neither waits nor resources. */
class EmulatorOptionTest {

    @Test
    void aLoopbackEndpointWithoutTheOptionWaitsInRealTime() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("provision", "--env", "dev", "--local", "--endpoint-url", "http://127.0.0.1:4566");
        assertThat(run.emulator.waitScale(run.waitScale)).isEqualTo(1.0);

        RunCommand emulated = new RunCommand();
        new CommandLine(emulated).parseArgs("provision", "--env", "dev", "--local", "--emulator", "--endpoint-url", "http://127.0.0.1:4566");
        assertThat(emulated.emulator.waitScale(emulated.waitScale)).isZero();

        RunCommand scaled = new RunCommand();
        new CommandLine(scaled).parseArgs("provision", "--env", "dev", "--local", "--emulator", "--wait-scale", "0.5");
        assertThat(scaled.emulator.waitScale(scaled.waitScale)).isEqualTo(0.5);
    }

    @Test
    void theControlPlanesOwnResourcesAreCreatedOnlyWhenAskedFor() {
        EnvironmentSpec dev = TestSpecs.loader().load("dev");
        LocalAws local = LocalAws.shared();
        // An emulated account of its own (moto's x-moto-account-id): nothing else creates there.
        try (AwsClients aws = local.clients(new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public software.amazon.awssdk.http.SdkHttpRequest modifyHttpRequest(software.amazon.awssdk.core.interceptor.Context.ModifyHttpRequest c,
                                                                                software.amazon.awssdk.core.interceptor.ExecutionAttributes a) {
                return c.httpRequest().toBuilder().putHeader("x-moto-account-id", "204060801234").build();
            }
        })) {
            LocalControlPlane.create(TestSpecs.loader(), dev, aws, false);
            assertThat(aws.sns().listTopics().topics()).noneMatch(t -> t.topicArn().endsWith(":" + LocalControlPlane.ALERT_TOPIC));
            assertThat(aws.s3().listBuckets().buckets()).noneMatch(b -> b.name().equals(dev.state().reportBucket()));
            assertThat(aws.dynamoDb().listTables().tableNames()).doesNotContain(dev.state().lockTable());

            LocalControlPlane.create(TestSpecs.loader(), dev, aws, true);
            assertThat(aws.sns().listTopics().topics()).anyMatch(t -> t.topicArn().endsWith(":" + LocalControlPlane.ALERT_TOPIC));
            assertThat(aws.s3().listBuckets().buckets()).anyMatch(b -> b.name().equals(dev.state().reportBucket()));
            assertThat(aws.dynamoDb().listTables().tableNames()).contains(dev.state().lockTable());
        }
    }
}
