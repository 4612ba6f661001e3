package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ReportStore;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * Issue 15: `qualisys drift` names who changed a drifted resource, as the drift-check function does: a change made
 * with another IAM user's credentials shows as theirs, with the call and the time, in the printed and stored report.
 */
class DriftAttributionCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private static LocalAws local;
    private static AwsClients observer;

    @BeforeAll
    static void theAccountLayerAppliedAndACleanCheck() {
        local = LocalAws.shared();
        local.reset();
        observer = local.clients();
        observer.s3().createBucket(r -> r.bucket(DEV.reportBucket()));
        Cli.Result apply = Cli.run("apply", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "account");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        Cli.Result clean = Cli.run("drift", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "account");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
    }

    @AfterAll
    static void close() {
        observer.close();
    }

    @Test
    void anAliasChangedByAnotherIamUserIsReportedAsTheirsWithTheCallAndTheTime() throws Exception {
        assertThat(new ReportStore(observer.s3(), DEV.reportBucket()).lastCleanCheck("dev")).as("the clean drift is recorded").isPresent();
        observer.iam().createUser(r -> r.userName("mallory"));
        AccessKey key = observer.iam().createAccessKey(r -> r.userName("mallory")).accessKey();
        String alias = observer.iam().listAccountAliases().accountAliases().getFirst();
        try (AwsClients mallory = AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .build()) {
            mallory.iam().deleteAccountAlias(r -> r.accountAlias(alias));
            mallory.iam().createAccountAlias(r -> r.accountAlias("mallorys-alias"));
        }

        Cli.Result drift = Cli.run("drift", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "account",
                "--format", "json");
        assertThat(drift.exitCode()).as(drift.toString()).isEqualTo(2);
        String mallory = "arn:aws:iam::" + observer.accountId() + ":user/mallory";
        for (JsonNode report : List.of(JSON.readTree(drift.out()),
                JSON.readTree(new ReportStore(observer.s3(), DEV.reportBucket()).latestJson("dev").orElseThrow()))) {
            List<JsonNode> authors = report.findValues("changedBy");
            assertThat(authors).as(report.toPrettyString()).singleElement().satisfies(by -> {
                assertThat(by.path("who").asText()).isEqualTo(mallory);
                assertThat(by.path("eventName").asText()).isEqualTo("CreateAccountAlias");
                assertThat(by.path("eventTime").asText()).isNotBlank();
            });
        }
    }
}
