package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.InMemoryTaskTokenBroker;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ReportStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * drift-check-all in the local runner, from the hub the specs name (aws.hubAccountId): dev reached in
 * its own account through its execution role, staging's account without the spoke stack (its role
 * cannot be assumed). Both are reported, staging's failure does not stop dev's check, and one
 * aggregate report lands in the hub's report bucket.
 */
class DriftCheckAllTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MACHINE = RepoPaths.root().resolve("statemachines/drift-check-all.asl.json");
    private final SpecLoader specs = SpecLoader.fromDirectory(RepoPaths.root().resolve("environments"));
    private final EnvironmentSpec dev = specs.load("dev");
    private final EnvironmentSpec staging = specs.load("staging");
    private final LocalAws local = LocalAws.shared();
    private final EmulatedAccounts accounts = new EmulatedAccounts(local);

    @BeforeEach
    void hubWithOneDeployedSpoke() {
        local.reset();
        String hub = dev.aws().hubAccountId();
        accounts.deploySpoke(dev.aws().accountId(), List.of(EmulatedAccounts.hubRoleArn(hub)), dev.aws().externalId());
        local.trust().enforceIn(staging.aws().accountId()); // staging's spoke stack was never deployed
    }

    @AfterEach
    void forgetSpokes() {
        local.resetStubs();
    }

    @Test
    void reportsEveryEnvironmentInOneAggregateAndSurvivesOneThatFails() throws Exception {
        try (AwsClients hub = accounts.hub(dev.aws().hubAccountId())) {
            ObjectNode input = JSON.createObjectNode();
            input.putArray("environments").add("dev").add("staging");

            ExecutionResult result = new LocalExecution(specs, dev, hub, true).run(MACHINE, input, "all-1", 0, new InMemoryTaskTokenBroker(), null);

            assertThat(result.status()).as("%s %s", result.error(), result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            JsonNode out = result.output();
            assertThat(out.path("environments")).extracting(JsonNode::asText).containsExactly("dev", "staging");
            assertThat(out.path("drift").asInt()).as("nothing is provisioned yet: dev's resources are all missing").isPositive();
            assertThat(out.path("errors").asInt()).as("every layer of staging could not be checked").isPositive();
            // staging's role cannot be assumed: the whole environment is reported, by its message, never a Java class name.
            assertThat(out.path("summary").asText()).contains("dev: ", "drifted resource(s)")
                    .contains("staging: could not be checked: environment staging: cannot assume arn:aws:iam::"
                            + staging.aws().accountId() + ":role/control-plane/qualisys-control-plane-execution")
                    .doesNotContain("Exception");
            assertThat(result.statesEntered()).containsSubsequence("ResolveEnvironments", "CheckEnvironments", "WriteAggregateReport",
                    "Notify", "Reported");

            String markdown = new ReportStore(hub.s3(), dev.state().reportBucket()).latestAggregateMarkdown().orElseThrow();
            assertThat(markdown).contains("| dev | vpc |", "| staging | (all) |")
                    .contains("cannot assume arn:aws:iam::" + staging.aws().accountId() + ":role/control-plane/qualisys-control-plane-execution");
            // dev's layers were all checked (kubernetes aside: the emulator's EKS has no Kubernetes API, and no cluster exists yet).
            assertThat(markdown.lines().filter(l -> l.startsWith("| dev |") && !l.startsWith("| dev | kubernetes")).toList())
                    .hasSize(6).allSatisfy(l -> assertThat(l).endsWith("|  |"));
        }
    }
}
