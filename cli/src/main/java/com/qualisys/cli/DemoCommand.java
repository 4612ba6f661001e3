package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionListener;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.InMemoryTaskTokenBroker;
import com.qualisys.cli.local.AccountCensus;
import com.qualisys.cli.local.DemoSummary;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.cli.local.ProgressPrinter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.LocalKubernetes;
import com.qualisys.controlplane.emulator.StandInChartRepository;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.emulator.LocalPostgres;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.layers.LayerNames;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Starts the local AWS emulator (a real PostgreSQL 15 behind each environment's RDS instance), provisions dev and"
                + " staging, each into its own emulated account, from the hub account the specs name, checks every"
                + " environment for drift at once, and ends with a table: environment, layer, resources, changes applied,"
                + " drift after, time.",
        "Per environment, the provision state machine runs through the local runner (every AWS layer, then db-init through"
                + " the DbInit handler); then the drift-check-all state machine writes one aggregate report."})
final class DemoCommand implements Callable<Integer> {
    /** moto's EKS has no Kubernetes API behind its endpoint: the kubernetes layer runs with --kubernetes, against local kube-apiservers. */
    static final List<String> DEMO_LAYERS = LayerNames.ORDER.stream().filter(l -> !l.equals("kubernetes")).toList();

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, split = ",", defaultValue = "dev,staging",
            description = "Environments to provision, each into the account its spec names (default: dev,staging).")
    List<String> environments;

    @Option(names = "--reports", defaultValue = "reports", description = "Folder the drift reports are copied to.")
    Path reports;

    @Option(names = "--kubernetes", description = "Also run the kubernetes layer: each environment's EKS cluster points to a local"
            + " kube-apiserver of its own that accepts the control plane's EKS token (kube-apiserver and etcd are built from the Go"
            + " module proxy first when absent: " + LocalKubernetes.FIRST_BUILD_TIME + "); Helm components from stand-in charts"
            + " on a loopback repository.")
    boolean kubernetes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        SpecLoader specs = SpecLoader.standard();
        List<EnvironmentSpec> envs = environments.stream().distinct().map(specs::load).toList();
        String hub = envs.get(0).aws().hubAccountId();
        out.println("demo: starting the local AWS emulator (moto, plus documented-shape stubs for what it lacks)...");
        out.flush();
        LocalAws emulator = LocalAws.shared();
        out.println("demo: emulator at " + emulator.endpoint());
        // The control plane runs in the hub the specs name and reaches each environment's own account through the
        // execution role its spoke stack (QualisysEnvironmentAccess-<env>) creates: emulated here with the same trust.
        EmulatedAccounts accounts = new EmulatedAccounts(emulator);
        for (EnvironmentSpec spec : envs) {
            String role = accounts.deploySpoke(spec.aws().accountId(), List.of(EmulatedAccounts.hubRoleArn(hub)), spec.aws().externalId());
            out.println("demo: " + spec.environment() + " lives in account " + spec.aws().accountId() + "; the control plane runs in"
                    + " the hub " + hub + " and assumes " + role + " with the environment's external id");
        }
        List<String> layers = kubernetes ? LayerNames.ORDER : DEMO_LAYERS;
        List<Layer> allLayers = Layers.all();
        Map<String, LocalKubernetes> clusters = new LinkedHashMap<>();
        StandInChartRepository charts = null;
        Map<String, LocalPostgres> servers = new LinkedHashMap<>();
        try (AwsClients aws = accounts.hub(hub)) {
            if (kubernetes) {
                java.util.function.Consumer<String> say = line -> {
                    out.println("demo: " + line);
                    out.flush();
                };
                Path helm = LocalKubernetes.build(say);
                charts = KubernetesDemo.charts(envs, helm, out);
                Map<String, JsonNode> overlays = new LinkedHashMap<>();
                for (EnvironmentSpec spec : envs) overlays.put(spec.environment(), KubernetesDemo.chartsFrom(spec, charts.url()));
                specs = specs.withOverlay(overlays::get);
                envs = envs.stream().map(EnvironmentSpec::environment).map(specs::load).toList();
                allLayers = KubernetesDemo.withLocalHelm(allLayers, helm);
                for (EnvironmentSpec spec : envs) {
                    clusters.put(spec.environment(), LocalKubernetes.start(emulator, spec.aws().accountId(), spec.eks().clusterName(), say));
                }
                out.println("demo: each API server accepts the control plane's EKS token (a presigned STS GetCallerIdentity,"
                        + " verified and mapped as EKS does: the cluster's creator, then aws-auth)");
            }
            out.println("demo: starting one PostgreSQL 15 per environment account, behind its emulated RDS instance...");
            out.flush();
            for (EnvironmentSpec spec : envs) {
                // One work directory: the binaries are unpacked there once per JVM; each server has its own data directory.
                LocalPostgres postgres = LocalPostgres.start(RepoPaths.cache().resolve("demo-postgres"));
                servers.put(spec.environment(), postgres);
                emulator.attachPostgres(spec.aws().accountId(), postgres);
                out.println("demo: " + spec.environment() + "'s PostgreSQL 15 at " + postgres.address() + ":" + LocalPostgres.RDS_PORT
                        + " (where its RDS instance's endpoint will point)");
            }
            // DbInit verifies the server (verify-full) against these CAs, as it verifies RDS against the RDS CA bundle.
            System.setProperty(com.qualisys.controlplane.database.TlsPolicy.ROOT_CERT_SETTING, certificates(servers.values()).toString());
            out.println("demo: layers " + String.join(", ", layers) + ", then db-init" + (kubernetes ? ""
                    : " (the kubernetes layer runs with ./qualisys demo --kubernetes, against local kube-apiservers it builds first"
                    + " when absent: " + LocalKubernetes.FIRST_BUILD_TIME + ")"));
            Path machines = RepoPaths.root().resolve("statemachines");
            Map<String, DemoSummary> summaries = new LinkedHashMap<>();
            for (EnvironmentSpec spec : envs) {
                DemoSummary summary = new DemoSummary();
                summaries.put(spec.environment(), summary);
                allLayers.stream().filter(l -> layers.contains(l.name())).forEach(l -> summary.layer(l.name(), l.desired(spec).size()));
                if (!provision(out, specs, spec, aws, machines, summary, layers, allLayers)) return QualisysCli.ERROR;
                printDbInit(out, summary.dbInit(), servers.get(spec.environment()), spec.rds().databaseName());
            }

            out.println("demo: drift-check-all (" + envs.stream().map(EnvironmentSpec::environment).collect(Collectors.joining(", "))
                    + ", two at a time, one aggregate report)");
            out.flush();
            ObjectNode input = RunCommand.JSON.createObjectNode();
            input.putArray("environments").addAll(envs.stream().map(e -> RunCommand.JSON.getNodeFactory().textNode(e.environment())).toList());
            input.putArray("layers").addAll(layers.stream().map(RunCommand.JSON.getNodeFactory()::textNode).toList());
            LocalExecution local = new LocalExecution(specs, envs.get(0), aws, true, allLayers);
            ExecutionResult all = local.run(machines.resolve("drift-check-all.asl.json"), input, "demo-drift-check-all", 0,
                    new InMemoryTaskTokenBroker(), new ProgressPrinter(out));
            if (all.status() != ExecutionStatus.SUCCEEDED) {
                out.println("demo: drift-check-all failed: " + all.error() + ": " + all.cause());
                return QualisysCli.ERROR;
            }
            ReportStore store = new ReportStore(aws.s3(), local.controlPlane().settings().reportBucket(envs.get(0)));
            for (EnvironmentSpec spec : envs) {
                String reportJson = copy(store.latestJson(spec.environment()), store.latestMarkdown(spec.environment()),
                        reports.resolve(spec.environment()));
                for (JsonNode layer : RunCommand.JSON.readTree(reportJson).path("layers")) {
                    summaries.get(spec.environment()).driftAfter(layer.path("layer").asText(), layer.path("changes").size(),
                            layer.path("overridden").isEmpty() ? "" : " (+" + layer.path("overridden").size() + " override(s))");
                }
            }
            copy(store.latestAggregateJson(), store.latestAggregateMarkdown(), reports.resolve(ReportStore.ALL));
            out.println(all.output().path("summary").asText().strip());
            out.println("demo: aggregate report s3://" + store.bucket() + "/" + all.output().path("reportKey").asText()
                    + " (in the hub's report bucket), copied with each environment's to " + reports + "/");
            printPlacement(out, accounts, envs, hub);
            for (EnvironmentSpec spec : envs) {
                if (clusters.containsKey(spec.environment())) KubernetesDemo.printCluster(out, clusters.get(spec.environment()), spec);
            }
            out.println();
            DemoSummary.print(out, summaries);
            boolean found = all.output().path("drift").asInt() > 0 || all.output().path("errors").asInt() > 0;
            out.println(found ? "demo: drift found" : "demo: no drift");
            return found ? QualisysCli.CHANGES : QualisysCli.OK;
        } finally {
            emulator.attachPostgres(null);
            servers.values().forEach(LocalPostgres::close);
            clusters.values().forEach(LocalKubernetes::close);
            if (charts != null) charts.close();
        }
    }

    /** The provision state machine for one environment; false (after saying why) when it did not succeed. */
    private static boolean provision(PrintWriter out, SpecLoader specs, EnvironmentSpec spec, AwsClients hub, Path machines,
                                     DemoSummary summary, List<String> layers, List<Layer> allLayers) throws IOException {
        ObjectNode input = RunCommand.JSON.createObjectNode().put("environment", spec.environment()).put("runDbInit", true);
        input.putArray("layers").addAll(layers.stream().map(RunCommand.JSON.getNodeFactory()::textNode).toList());
        ProgressPrinter progress = new ProgressPrinter(out);
        ExecutionListener both = e -> {
            progress.onEvent(e);
            summary.onEvent(e);
        };
        out.println("demo: provision " + spec.environment() + " (account " + spec.aws().accountId() + ")");
        out.flush();
        ExecutionResult provision = new LocalExecution(specs, spec, hub, true, allLayers).run(machines.resolve("provision.asl.json"), input,
                "demo-provision-" + spec.environment(), 0, new InMemoryTaskTokenBroker(), both);
        if (provision.status() != ExecutionStatus.SUCCEEDED) {
            out.println("demo: provision of " + spec.environment() + " failed: " + provision.error() + ": " + provision.cause());
            return false;
        }
        out.println("demo: " + provision.output().path("summary").asText());
        return true;
    }

    /** Copies a stored report (JSON and Markdown) into {@code dir}; returns the JSON. */
    private static String copy(Optional<String> json, Optional<String> markdown, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("latest.md"), markdown.orElseThrow(() -> new IllegalStateException("no Markdown report for " + dir)));
        Files.writeString(dir.resolve("latest.json"), json.orElseThrow(() -> new IllegalStateException("no JSON report for " + dir)));
        return json.get();
    }

    /** Where each environment's resources are: in its own account, none in the hub or another environment's account. */
    private static void printPlacement(PrintWriter out, EmulatedAccounts accounts, List<EnvironmentSpec> envs, String hub) {
        out.println("demo: where the resources are, by their qualisys:environment tag:");
        List<String> all = new ArrayList<>(envs.stream().map(e -> e.aws().accountId()).distinct().toList());
        all.add(hub);
        for (String account : all) {
            String whose = account.equals(hub) ? "the hub" : envs.stream().filter(e -> e.aws().accountId().equals(account))
                    .map(EnvironmentSpec::environment).collect(Collectors.joining(", ")) + "'s account";
            try (AwsClients admin = accounts.administrator(account)) {
                for (EnvironmentSpec spec : envs) {
                    out.println("demo:   account " + account + " (" + whose + "): " + spec.environment() + " "
                            + AccountCensus.of(admin, spec.environment()));
                }
            }
        }
    }

    /** What db-init did, and app_user as the server sees it (read with the harness's own superuser). */
    /** The local servers' self-signed certificates in one file: the CAs the demo's database connections trust. */
    private static Path certificates(java.util.Collection<LocalPostgres> servers) throws java.io.IOException {
        StringBuilder pem = new StringBuilder();
        for (LocalPostgres server : servers) pem.append(java.nio.file.Files.readString(server.certificate()));
        Path file = java.nio.file.Files.createDirectories(RepoPaths.cache().resolve("demo-postgres")).resolve("local-ca.pem");
        java.nio.file.Files.writeString(file, pem);
        return file;
    }

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
