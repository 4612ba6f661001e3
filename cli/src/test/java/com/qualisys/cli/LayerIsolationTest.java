package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ReportStore;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: on the emulator the kubernetes layer cannot be checked (its EKS has no Kubernetes API);
 * plan, drift and apply still report the six AWS layers, mark kubernetes "not checked" and exit 1.
 */
class LayerIsolationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private static final List<String> AWS_LAYERS = List.of("account", "iam", "monitoring", "vpc", "eks", "rds");
    private static LocalAws local;
    private static AwsClients observer;

    @BeforeAll
    static void emptyAccountWithAReportBucket() {
        local = LocalAws.shared();
        local.reset();
        observer = local.clients();
        observer.s3().createBucket(r -> r.bucket(DEV.state().reportBucket()));
    }

    @AfterAll
    static void close() {
        observer.close();
    }

    @Test
    void driftEnvDevWithKubernetesUnreachableReportsTheSixAwsLayersAndOneNotCheckedLine_wasOneErrorLineAndNoOutput() throws Exception {
        Cli.Result drift = Cli.run("drift", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint());

        assertThat(drift.exitCode()).as(drift.toString()).isEqualTo(1);
        for (String layer : AWS_LAYERS) assertThat(drift.out()).as(drift.toString()).containsPattern("(?m)^  " + layer + ": (no drift|\\d+ create)");
        assertThat(drift.out()).containsPattern("(?m)^  kubernetes: not checked: .+")
                .contains("1 layer(s) not checked (kubernetes): this report is incomplete.");
        assertThat(drift.out().lines().filter(l -> l.contains("not checked:"))).hasSize(1);
        assertThat(drift.out()).as("no Java class names").doesNotContain("io.fabric8", "software.amazon", "com.qualisys.");
        assertThat(drift.err()).as("live progress, one line as each layer starts")
                .contains("[1/7] account: checking...", "[7/7] kubernetes: checking...", "kubernetes: not checked: ");

        ReportStore store = new ReportStore(observer.s3(), DEV.state().reportBucket());
        JsonNode stored = JSON.readTree(store.latestJson("dev").orElseThrow());
        assertThat(stored.get("complete").asBoolean()).isFalse();
        assertThat(stored.at("/notChecked/0/layer").asText()).isEqualTo("kubernetes");
        assertThat(stored.at("/notChecked/0/reason").asText()).isNotBlank();
        assertThat(stored.get("layers")).hasSize(6);
        assertThat(store.latestMarkdown("dev").orElseThrow()).contains("## Layer `kubernetes`", "**Not checked:** ",
                "this report is incomplete");
    }

    @Test
    void planFormatJsonCarriesTheNotCheckedLayerAndExits1() throws Exception {
        Cli.Result plan = Cli.run("plan", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--format", "json", "--layer", "vpc,kubernetes");
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
        JsonNode report = JSON.readTree(plan.out());
        assertThat(report.get("layers")).hasSize(1);
        assertThat(report.at("/layers/0/layer").asText()).isEqualTo("vpc");
        assertThat(report.at("/notChecked/0/layer").asText()).isEqualTo("kubernetes");
        assertThat(report.get("complete").asBoolean()).isFalse();
    }

    @Test
    void layerTakesAListAndSkipLayerLeavesLayersOut() {
        Cli.Result plan = Cli.run("plan", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "account", "--layer", "vpc,rds",
                "--skip-layer", "rds");
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.out()).contains("  account: ", "  vpc: ").doesNotContain("  rds:", "  iam:", "not checked");

        Cli.Result allButKubernetes = Cli.run("plan", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--skip-layer", "kubernetes");
        assertThat(allButKubernetes.exitCode()).as(allButKubernetes.toString()).isEqualTo(2);
        for (String layer : AWS_LAYERS) assertThat(allButKubernetes.out()).contains("  " + layer + ": ");
        assertThat(allButKubernetes.out()).doesNotContain("  kubernetes:");
    }

    @Test
    void applyEnvDevAppliesWhatItCanReportsKubernetesNotAppliedAndExits1() {
        Cli.Result apply = Cli.run("apply", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "account,kubernetes");
        assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
        assertThat(apply.out()).containsPattern("(?m)^account: \\d+ change\\(s\\) applied").containsPattern("(?m)^kubernetes: not applied: .+")
                .contains("1 layer(s) not applied: kubernetes");
    }

    @Test
    void applyExits0AfterASuccessfulApply_wasExit2BreakingSetE_and2OnlyWithDetailedExitcode() {
        Cli.Result first = Cli.run("apply", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "monitoring");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).containsPattern("(?m)^monitoring: \\d+ change\\(s\\) applied");

        Cli.Result again = Cli.run("apply", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "monitoring", "--detailed-exitcode");
        assertThat(again.exitCode()).as("nothing changed: " + again).isZero();
        assertThat(again.out()).contains("monitoring: up to date");

        Cli.Result iam = Cli.run("apply", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--layer", "iam", "--detailed-exitcode");
        assertThat(iam.exitCode()).as("changes made, --detailed-exitcode: " + iam).isEqualTo(2);
    }
}
