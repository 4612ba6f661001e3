package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionListener;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.InMemoryTaskTokenBroker;
import com.qualisys.cli.local.DemoSummary;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.cli.local.ProgressPrinter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.LocalPostgres;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ReportStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Starts the local AWS emulator (a real PostgreSQL 15 behind its RDS instance), provisions an environment and"
                + " checks it for drift, and ends with a table: layer, resources, changes applied, drift after, time.",
        "The provision state machine runs through the local runner (every AWS layer, then db-init through the DbInit"
                + " handler), then the drift-check state machine."})
final class DemoCommand implements Callable<Integer> {
    /** moto's EKS has no Kubernetes API behind its endpoint; the kubernetes layer is proven by tests against a real kube-apiserver. */
    static final List<String> DEMO_LAYERS = Layers.ORDER.stream().filter(l -> !l.equals("kubernetes")).toList();

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, defaultValue = "dev", description = "Environment to provision (default: dev).")
    String environment;

    @Option(names = "--reports", defaultValue = "reports", description = "Folder the drift report is copied to.")
    Path reports;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        SpecLoader specs = SpecLoader.standard();
        EnvironmentSpec spec = specs.load(environment);
        out.println("demo: starting the local AWS emulator (moto, plus documented-shape stubs for what it lacks)...");
        out.flush();
        LocalAws emulator = LocalAws.shared();
        out.println("demo: emulator at " + emulator.endpoint());
        out.println("demo: starting PostgreSQL 15 behind the emulated RDS instance...");
        out.flush();
        // The control plane runs in the hub the specs name and reaches the environment's own account through the
        // execution role its spoke stack (QualisysEnvironmentAccess-<env>) creates: emulated here with the same trust.
        String hub = spec.aws().hubAccountId();
        EmulatedAccounts accounts = new EmulatedAccounts(emulator);
        String role = accounts.deploySpoke(spec.aws().accountId(), List.of(EmulatedAccounts.hubRoleArn(hub)), spec.aws().externalId());
        out.println("demo: " + environment + " lives in account " + spec.aws().accountId() + "; the control plane runs in the hub "
                + hub + " and assumes " + role + " with the environment's external id");
        try (LocalPostgres postgres = LocalPostgres.start(RepoPaths.cache().resolve("demo-postgres"));
             AwsClients aws = accounts.hub(hub)) {
            emulator.attachPostgres(postgres);
            // DbInit verifies the server (verify-full) against this CA, as it verifies RDS against the RDS CA bundle.
            System.setProperty(com.qualisys.controlplane.database.TlsPolicy.ROOT_CERT_SETTING, postgres.certificate().toString());
            out.println("demo: PostgreSQL 15 at " + postgres.address() + ":" + LocalPostgres.RDS_PORT
                    + " (where the RDS instance's endpoint will point)");
            List<String> layers = Layers.all().stream().map(l -> l.name()).filter(DEMO_LAYERS::contains).toList();
            out.println("demo: layers " + String.join(", ", layers) + ", then db-init (the kubernetes layer needs a real"
                    + " Kubernetes API server: its tests run one)");
            DemoSummary summary = new DemoSummary();
            Layers.all().stream().filter(l -> layers.contains(l.name()))
                    .forEach(l -> summary.layer(l.name(), l.desired(spec).size()));
            Path machines = RepoPaths.root().resolve("statemachines");
            LocalExecution local = new LocalExecution(specs, spec, aws);
            ObjectNode input = RunCommand.JSON.createObjectNode().put("environment", environment).put("runDbInit", true);
            input.putArray("layers").addAll(layers.stream().map(RunCommand.JSON.getNodeFactory()::textNode).toList());
            ProgressPrinter progress = new ProgressPrinter(out);
            ExecutionListener both = e -> {
                progress.onEvent(e);
                summary.onEvent(e);
            };

            out.println("demo: provision");
            out.flush();
            ExecutionResult provision = local.run(machines.resolve("provision.asl.json"), input, "demo-provision", 0,
                    new InMemoryTaskTokenBroker(), both);
            if (provision.status() != ExecutionStatus.SUCCEEDED) {
                out.println("demo: provision failed: " + provision.error() + ": " + provision.cause());
                return QualisysCli.ERROR;
            }
            out.println("demo: " + provision.output().path("summary").asText());
            printDbInit(out, summary.dbInit(), postgres, spec.rds().databaseName());

            out.println("demo: drift-check");
            out.flush();
            ExecutionResult drift = local.run(machines.resolve("drift-check.asl.json"), input, "demo-drift-check", 0,
                    new InMemoryTaskTokenBroker(), progress);
            if (drift.status() != ExecutionStatus.SUCCEEDED) {
                out.println("demo: drift-check failed: " + drift.error() + ": " + drift.cause());
                return QualisysCli.ERROR;
            }
            ReportStore store = new ReportStore(aws.s3(), local.controlPlane().settings().reportBucket(spec));
            Path dir = reports.resolve(environment);
            Files.createDirectories(dir);
            String reportJson = store.latestJson(environment).orElseThrow();
            Files.writeString(dir.resolve("latest.md"), store.latestMarkdown(environment).orElseThrow());
            Files.writeString(dir.resolve("latest.json"), reportJson);
            for (JsonNode layer : RunCommand.JSON.readTree(reportJson).path("layers")) {
                summary.driftAfter(layer.path("layer").asText(), layer.path("changes").size(),
                        layer.path("overridden").isEmpty() ? "" : " (+" + layer.path("overridden").size() + " override(s))");
            }
            out.println(drift.output().path("summary").asText().strip());
            boolean found = drift.output().path("drift").asBoolean() || drift.output().path("failedLayers").asInt() > 0;
            out.println("demo: report s3://" + store.bucket() + "/" + drift.output().path("reportKey").asText()
                    + " (emulator), copied to " + dir.resolve("latest.md") + " and " + dir.resolve("latest.json"));
            out.println("demo: " + placement(accounts, spec, hub));
            out.println();
            summary.print(out);
            out.println(found ? "demo: drift found" : "demo: no drift");
            return found ? QualisysCli.CHANGES : QualisysCli.OK;
        } finally {
            emulator.attachPostgres(null);
        }
    }

    /** Where the environment's VPCs are: in its own account, none in the hub. */
    private static String placement(EmulatedAccounts accounts, EnvironmentSpec spec, String hub) {
        StringBuilder sb = new StringBuilder();
        for (String account : List.of(spec.aws().accountId(), hub)) {
            try (AwsClients admin = accounts.administrator(account)) {
                long vpcs = admin.ec2().describeVpcs(r -> r.filters(f -> f.name("tag:" + Tags.ENVIRONMENT).values(spec.environment())))
                        .vpcs().size();
                sb.append(sb.isEmpty() ? "" : ", ").append(spec.environment()).append(" VPCs in account ").append(account)
                        .append(account.equals(hub) ? " (hub)" : "").append(": ").append(vpcs);
            }
        }
        return sb.toString();
    }

    /** What db-init did, and app_user as the server sees it (read with the harness's own superuser). */
    private static void printDbInit(PrintWriter out, JsonNode report, LocalPostgres postgres, String database) {
        if (report == null) {
            out.println("demo: db-init did not run");
            return;
        }
        out.println("demo: db-init on " + report.path("database").asText() + ": app_user " + report.path("role").asText()
                + ", password " + report.path("password").asText() + ", pg_stat_statements " + report.path("extension").asText()
                + ", " + report.path("changes").size() + " change(s)");
        for (JsonNode check : report.path("checks")) out.println("demo:   check passed: " + check.asText());
        for (JsonNode warning : report.path("warnings")) out.println("demo:   warning: " + warning.asText());
        try (Connection c = postgres.superuser(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin"
                     + " FROM pg_roles WHERE rolname = 'app_user'")) {
            if (!rs.next()) {
                out.println("demo: app_user does not exist");
                return;
            }
            out.printf("demo: app_user %s %s %s %s %s%n", flag(rs, 1, "SUPERUSER"), flag(rs, 2, "BYPASSRLS"),
                    flag(rs, 3, "CREATEROLE"), flag(rs, 4, "CREATEDB"), flag(rs, 5, "LOGIN"));
        } catch (SQLException e) {
            out.println("demo: cannot read app_user's flags: " + e.getMessage());
        }
    }

    private static String flag(ResultSet rs, int column, String name) throws SQLException {
        return rs.getBoolean(column) ? name : "NO" + name;
    }
}
