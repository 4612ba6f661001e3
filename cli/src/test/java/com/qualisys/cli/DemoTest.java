package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.kubernetes.helm.VersionConstraint;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: the whole mission on the local emulator, from the hub account, into two
 * spoke accounts (dev and staging), db-init included, ending with the aggregate drift report.
 */
class DemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDemoProvisionsDevAndStagingIntoTheirOwnAccountsRunsDbInitInEachAndEndsWithNoDriftInTheAggregate(@TempDir Path reports)
            throws Exception {
        LocalAws local = LocalAws.shared();
        local.reset();
        Cli.Result r = Cli.run("demo", "--reports", reports.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out())
                .contains("RunDbInit")
                .contains("check passed: app_user does not bypass RLS")
                .contains("check passed: FORCE ROW LEVEL SECURITY filters the table owner too")
                .contains("drift-check-all")
                .contains("demo: no drift")
                .contains("the kubernetes layer runs with ./qualisys demo --kubernetes");
        assertThat(Pattern.compile("(?m)^demo: app_user NOSUPERUSER NOBYPASSRLS").matcher(r.out()).results().count())
                .as("db-init in each environment's own database server").isEqualTo(2);

        SpecLoader specs = SpecLoader.fromDirectory(RepoPaths.root().resolve("environments"));
        List<EnvironmentSpec> envs = List.of(specs.load("dev"), specs.load("staging"));
        String hub = envs.get(0).aws().hubAccountId();
        for (EnvironmentSpec spec : envs) {
            String env = spec.environment();
            // The summary table: a row per environment and layer with its resources, the changes applied and no drift after.
            for (String layer : DemoCommand.DEMO_LAYERS) {
                Matcher row = Pattern.compile("(?m)^" + env + "\\s+" + layer + "\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+[\\d.]+ s$").matcher(r.out());
                assertThat(row.find()).as("summary row of %s %s in%n%s", env, layer, r.out()).isTrue();
                assertThat(Integer.parseInt(row.group(1))).as("%s %s resources", env, layer).isPositive();
                assertThat(Integer.parseInt(row.group(2))).as("%s %s changes applied", env, layer).isPositive();
                assertThat(row.group(3)).as("%s %s drift after", env, layer).isEqualTo("0");
            }
            JsonNode report = JSON.readTree(Files.readString(reports.resolve(env + "/latest.json")));
            assertThat(report.path("changes").asInt()).as("%s drift", env).isZero();
        }
        String aggregate = Files.readString(reports.resolve("_all/latest.md"));
        assertThat(aggregate).contains("| dev | vpc |", "| staging | vpc |", "| dev | rds |", "| staging | rds |");

        // Every environment's resources are in its own account; none in the hub or in the other spoke.
        EmulatedAccounts accounts = new EmulatedAccounts(local);
        for (EnvironmentSpec spec : envs) {
            for (String account : List.of(envs.get(0).aws().accountId(), envs.get(1).aws().accountId(), hub)) {
                boolean own = account.equals(spec.aws().accountId());
                try (AwsClients admin = accounts.administrator(account)) {
                    assertThat(vpcs(admin, spec.environment())).as("%s VPCs in %s", spec.environment(), account).isEqualTo(own ? 1 : 0);
                    assertThat(databases(admin, spec.environment())).as("%s DB instances in %s", spec.environment(), account)
                            .isEqualTo(own ? 1 : 0);
                    assertThat(budgets(admin, account)).as("budgets in %s", account).isEqualTo(account.equals(hub) ? 0
                            : spec.monitoring().budgets().size());
                }
            }
        }
    }

    @Test
    void withKubernetesEachClusterGetsItsOwnApiServerThatAcceptsTheEksTokenAndTheLayerEndsWithNoDrift(@TempDir Path reports)
            throws Exception {
        LocalAws.shared().reset();
        Cli.Result r = Cli.run("demo", "--kubernetes", "--reports", reports.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("demo: no drift").contains("accepts the control plane's EKS token")
                .doesNotContain(": missing").doesNotContain("not installed");
        SpecLoader specs = SpecLoader.fromDirectory(RepoPaths.root().resolve("environments"));
        for (String env : List.of("dev", "staging")) {
            EnvironmentSpec spec = specs.load(env);
            assertThat(r.out()).contains("cluster " + spec.eks().clusterName() + " of account " + spec.aws().accountId() + ": kube-apiserver at");
            Matcher row = Pattern.compile("(?m)^" + env + "\\s+kubernetes\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+[\\d.]+ s$").matcher(r.out());
            assertThat(row.find()).as("kubernetes summary row of %s in%n%s", env, r.out()).isTrue();
            assertThat(Integer.parseInt(row.group(2))).as("%s kubernetes changes applied", env).isPositive();
            assertThat(row.group(3)).as("%s kubernetes drift after", env).isEqualTo("0");
            // What each cluster holds, read back from its API server: namespaces with level and quota, RBAC, the releases.
            String heading = "demo: " + env + "'s kubernetes cluster";
            int from = r.out().indexOf(heading);
            assertThat(from).as("%s's cluster is printed", env).isNotNegative();
            int next = r.out().indexOf("'s kubernetes cluster", from + heading.length());
            String cluster = r.out().substring(from, next < 0 ? r.out().length() : next);
            spec.kubernetes().namespaces().forEach((name, ns) -> assertThat(cluster)
                    .contains("demo:   namespace " + name + ": pod-security enforce=" + ns.enforce() + ", quota {"));
            assertThat(cluster).containsPattern("RBAC: [1-9]\\d* cluster role").containsPattern("aws-auth maps [1-9]\\d* IAM role");
            for (var c : spec.kubernetes().components()) {
                String lowest = VersionConstraint.parse(c.version()).lower().toString();
                assertThat(cluster).as("the stand-in inside %s, not the one past it", c.version())
                        .contains("release " + c.namespace() + "/" + c.name() + " (" + c.version() + "): " + c.chart() + "-" + lowest);
            }
            JsonNode report = JSON.readTree(Files.readString(reports.resolve(env + "/latest.json")));
            assertThat(report.path("changes").asInt()).as("%s drift", env).isZero();
            assertThat(report.path("layers").findValuesAsText("layer")).contains("kubernetes");
        }
    }

    private static int vpcs(AwsClients aws, String environment) {
        return aws.ec2().describeVpcs(q -> q.filters(f -> f.name("tag:" + Tags.ENVIRONMENT).values(environment))).vpcs().size();
    }

    private static long databases(AwsClients aws, String environment) {
        return aws.rds().describeDBInstances(q -> { }).dbInstances().stream()
                .filter(db -> db.tagList().stream().anyMatch(t -> t.key().equals(Tags.ENVIRONMENT) && t.value().equals(environment)))
                .count();
    }

    private static int budgets(AwsClients aws, String account) {
        return aws.budgets().describeBudgets(q -> q.accountId(account)).budgets().size();
    }
}
