package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.database.DatabaseSecret;
import com.qualisys.controlplane.database.DatabaseSettings;
import com.qualisys.controlplane.database.TlsPolicy;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.testing.Postgres15;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The world the cold-start benchmark's functions answer in, built once in the test JVM: the dev
 * environment's vpc layer applied on LocalAws (the layer the layer functions are asked about), in dev's account,
 * with the execution role its spoke stack creates; the control plane's own state (lock table, report bucket, alert
 * topic) in the hub account as the CDK app makes it, and the functions running as a hub function role's session
 * (their hub guard checks it), the database functions as their own role's session in dev's account (the spoke's
 * phase 2; the account guard checks it); PostgreSQL 15 with
 * the two database secrets in Secrets Manager, db-init run once and rotation turned on. Then each
 * function has a representative input, its first (cold) and second (warm) invocation.
 */
final class ColdStartStage {
    static final String ENVIRONMENT = "dev";
    private static final String LAYER = "vpc";
    private static final String ALERT_TOPIC = "qualisys-control-plane-alerts";
    private static final String HOLDER = "cold-start-benchmark";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A function's two invocations, and whether they are its real work or a fail-fast input. */
    record Case(FunctionCatalog function, List<Map<String, Object>> inputs, boolean representative, String input, String expected) {}

    private final LocalAws local = LocalAws.shared();
    private final AwsClients aws;
    private final AwsClients hub;
    private final AwsSessionCredentials hubSession;
    private final Map<FunctionCatalog, AwsSessionCredentials> spokeSessions =
            new java.util.EnumMap<>(FunctionCatalog.class);
    private final EnvironmentSpec spec = TestSpecs.load(ENVIRONMENT);
    private final String alertTopic;
    private final Map<FunctionCatalog, Case> cases = new LinkedHashMap<>();
    private final Map<FunctionCatalog, List<Map<String, Object>>> coverage = new LinkedHashMap<>();
    private final List<String> secrets = new java.util.ArrayList<>();
    private final Map<String, String> databaseSecrets = new java.util.LinkedHashMap<>();

    private ColdStartStage() {
        local.reset();
        aws = local.clients();
        com.qualisys.controlplane.emulator.EmulatedAccounts accounts = new com.qualisys.controlplane.emulator.EmulatedAccounts(local);
        String hubAccount = spec.aws().hubAccountId();
        accounts.deploySpoke(spec.aws().accountId(), List.of(com.qualisys.controlplane.emulator.EmulatedAccounts.hubRoleArn(hubAccount)),
                spec.aws().externalId());
        hubSession = accounts.hubCredentials(hubAccount);
        // The database functions are deployed in the environment's own account (the spoke's phase 2) and run as their role there.
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (f.inEnvironmentAccount()) spokeSessions.put(f, accounts.functionCredentials(spec.aws().accountId(), f.roleName()));
        }
        hub = accounts.hub(hubAccount);
        new Reconciler(spec, aws, Layers.all()).apply(LAYER, false);
        alertTopic = hub.sns().createTopic(r -> r.name(ALERT_TOPIC)).topicArn();
        hub.s3().createBucket(r -> r.bucket(spec.reportBucket()));
        // What AWS Budgets reports for the 100% alert of the coverage inputs: the response confirms it before the cap.
        com.qualisys.controlplane.events.budget.SpentBudget.create(aws, "qualisys-monthly-500", "500", "503.18");
        hub.dynamoDb().createTable(r -> r.tableName(spec.state().lockTable())
                .keySchema(KeySchemaElement.builder().attributeName(ApplyLock.PARTITION_KEY).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(ApplyLock.PARTITION_KEY)
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        ControlPlane controlPlane = new ControlPlane(TestSpecs.loader(), () -> hub, (s, session) -> aws, Layers.all(), settings());
        prepareDatabase(controlPlane);
        defineCases(controlPlane);
    }

    static ColdStartStage build() {
        return new ColdStartStage();
    }

    Map<FunctionCatalog, Case> cases() {
        return cases;
    }

    /**
     * Further inputs that take a function down its other paths (every layer for the layer functions, other
     * event classes and steps for the event functions): FunctionPackagesTest runs them after the first input,
     * so the classes they load count as loaded. They may end in an error the world explains (no EKS cluster
     * for the kubernetes layer in the emulator), never in a linkage error.
     */
    List<Map<String, Object>> coverage(FunctionCatalog function) {
        return coverage.getOrDefault(function, List.of());
    }

    /** The database passwords the functions read: none of them may appear in their output. */
    List<String> secrets() {
        return List.copyOf(secrets);
    }

    AwsClients aws() {
        return aws;
    }

    /**
     * What Lambda gives a function deployed in {@code account} whose role's session is {@code session}, pointed at
     * {@code endpoint}: the region, the session's keys, the function's name, and the account its invocations' ARN
     * names (read by {@link ColdStartProbe}). Every launch of a packaged function starts from these.
     */
    static Map<String, String> lambdaEnvironment(String endpoint, String region, AwsSessionCredentials session,
                                                 FunctionCatalog function, String account) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_REGION", region);
        env.put("AWS_ACCESS_KEY_ID", session.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", session.secretAccessKey());
        env.put("AWS_SESSION_TOKEN", session.sessionToken());
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.deployedName());
        env.put(ColdStartProbe.FUNCTION_ACCOUNT, account);
        return env;
    }

    /** The Lambda environment variables the CDK app would set, pointed at LocalAws. */
    Map<String, String> environmentVariables(FunctionCatalog function) {
        Map<String, String> env = lambdaEnvironment(local.endpoint(), spec.aws().region(), spokeSessions.getOrDefault(function, hubSession),
                function, function.inEnvironmentAccount() ? spec.aws().accountId() : spec.aws().hubAccountId());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("QUALISYS_ENVIRONMENT", ENVIRONMENT);
        env.put("QUALISYS_ALERT_TOPIC_ARN", alertTopic);
        // The database functions verify the server (verify-full): the tests' PostgreSQL is certified by its own certificate.
        env.put(TlsPolicy.ROOT_CERT_SETTING, Postgres15.shared().certificate().toString());
        return env;
    }

    /**
     * Puts back what one function's run changed that the next one relies on: the leases the Lock function
     * took (the next JVM takes them again), and the database secrets — the layer functions' coverage
     * applies the rds layer, which points them at the emulated instance's endpoint, with no server behind
     * it here; the database functions connect to the stage's PostgreSQL.
     */
    void resetAfterLaunch() {
        for (String environment : List.of("dev", "staging")) {
            hub.dynamoDb().deleteItem(r -> r.tableName(spec.state().lockTable())
                    .key(Map.of(ApplyLock.PARTITION_KEY, AttributeValue.fromS(ApplyLock.lockId(environment)))));
        }
        databaseSecrets.forEach((id, json) -> {
            if (!json.equals(aws.secretsManager().getSecretValue(r -> r.secretId(id)).secretString())) {
                aws.secretsManager().putSecretValue(r -> r.secretId(id).secretString(json));
            }
        });
    }

    /** Writes a case's input documents as files for the child JVM; returns their paths. */
    static List<Path> write(Case c, Path dir) {
        return write(c.function(), c.inputs(), dir);
    }

    /** Writes input documents of a function as files for the child JVM; returns their paths. */
    static List<Path> write(FunctionCatalog function, List<Map<String, Object>> inputs, Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> files = new java.util.ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Path f = dir.resolve(function.functionName() + "-" + (i + 1) + ".json");
                JSON.writeValue(f.toFile(), inputs.get(i));
                files.add(f);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ControlPlane.Settings settings() {
        return new ControlPlane.Settings(alertTopic, null, null, null, "default");
    }

    /** As the RDS layer and the CDK app leave it: both secrets, the database initialised, rotation on. */
    private void prepareDatabase(ControlPlane controlPlane) {
        Postgres15 pg = Postgres15.shared();
        pg.reset();
        DatabaseSettings settings = DatabaseSettings.from(spec.rds());
        DatabaseSecret master = new DatabaseSecret(Postgres15.MASTER, pg.masterPassword(), "postgres", Postgres15.HOST, pg.port(),
                Postgres15.DATABASE);
        DatabaseSecret app = master.withCredentials(settings.appUser(), Postgres15.randomPassword());
        secrets.add(master.password());
        secrets.add(app.password());
        databaseSecrets.put(settings.masterSecretId(), master.toJson());
        databaseSecrets.put(settings.connectionSecretId(), app.toJson());
        databaseSecrets.forEach((id, json) -> aws.secretsManager().createSecret(r -> r.name(id).secretString(json)));
        new DbInitHandler(controlPlane, TlsPolicy.verifyFull(pg.certificate())).handleRequest(Map.of("environment", ENVIRONMENT), null);
        for (String id : List.of(settings.masterSecretId(), settings.connectionSecretId())) {
            aws.secretsManager().rotateSecret(r -> r.secretId(id).rotateImmediately(false)
                    .rotationRules(rr -> rr.automaticallyAfterDays((long) settings.rotationDays())));
        }
    }

    private void defineCases(ControlPlane controlPlane) {
        Map<String, Object> drift = Map.of("environment", ENVIRONMENT, "layer", LAYER, "kind", "drift");
        Map<String, Object> vpcPlan = new PlanLayerHandler(controlPlane).handleRequest(drift, null);
        add(FunctionCatalog.LOCK, true, "acquire dev, then acquire staging (a lease per environment)",
                Map.of("action", "acquire", "environment", "dev", "holder", HOLDER, "input", Map.of()),
                Map.of("action", "acquire", "environment", "staging", "holder", HOLDER, "input", Map.of()));
        add(FunctionCatalog.PLAN_LAYER, true, "drift check of vpc (applied, no drift)", drift, drift);
        Map<String, Object> apply = Map.of("environment", ENVIRONMENT, "layer", LAYER);
        add(FunctionCatalog.APPLY_LAYER, true, "apply vpc (applied: no change)", apply, apply);
        add(FunctionCatalog.LAYER_READINESS, true, "readiness of vpc", apply, apply);
        Map<String, Object> report = Map.of("kind", "drift", "environment", ENVIRONMENT, "executionId", "cold-start-benchmark",
                "layers", List.of(vpcPlan));
        add(FunctionCatalog.REPORT, true, "drift report of the vpc plan to S3", report, report);
        Map<String, Object> failure = Map.of("kind", "failure", "environment", ENVIRONMENT, "executionId", "cold-start-benchmark",
                "error", Map.of("Error", "States.TaskFailed", "Cause", "cold start benchmark"));
        add(FunctionCatalog.NOTIFY, true, "failure notice published to SNS", failure, failure);
        Map<String, Object> dbInit = Map.of("environment", ENVIRONMENT);
        add(FunctionCatalog.DB_INIT, true, "db-init on an initialised PostgreSQL 15 (nothing to change)", dbInit, dbInit);
        Map<String, Object> health = Map.of("Step", "health", "Repair", false);
        add(FunctionCatalog.SECRET_ROTATION, true, "rotation health check (report only)", health, health);
        Map<String, Object> security = Map.of("step", "classify", "environment", ENVIRONMENT,
                "event", parse(Samples.text("security/attach-role-policy-admin.json")));
        add(FunctionCatalog.SECURITY_EVENT, true, "classify an AttachRolePolicy CloudTrail event", security, security);
        Map<String, Object> budget = Map.of("step", "parse", "environment", ENVIRONMENT, "alert", Samples.text("budget/actual-80-percent.txt"));
        add(FunctionCatalog.BUDGET_ALERT, true, "parse an 80% ACTUAL budget alert", budget, budget);
        // Not the kubernetes layer: it would connect to the cluster's API, which the emulator's EKS cannot give
        // (and the endpoint it names is not on this machine). FunctionPackagesTest says what that leaves unchecked.
        List<String> otherLayers = LayerNames.ORDER.stream().filter(l -> !l.equals(LAYER) && !l.equals("kubernetes")).toList();
        coverage.put(FunctionCatalog.PLAN_LAYER, otherLayers.stream()
                .<Map<String, Object>>map(l -> Map.of("environment", ENVIRONMENT, "layer", l, "kind", "drift")).toList());
        coverage.put(FunctionCatalog.APPLY_LAYER, otherLayers.stream()
                .<Map<String, Object>>map(l -> Map.of("environment", ENVIRONMENT, "layer", l)).toList());
        coverage.put(FunctionCatalog.LAYER_READINESS, otherLayers.stream()
                .<Map<String, Object>>map(l -> Map.of("environment", ENVIRONMENT, "layer", l)).toList());
        List<Map<String, Object>> securityCoverage = new java.util.ArrayList<>(List.of("authorize-sg-ingress-rds-world-5432",
                        "stop-logging", "modify-db-instance-public", "schedule-key-deletion", "put-resource-policy-master-secret").stream()
                .<Map<String, Object>>map(e -> Map.of("step", "classify", "environment", ENVIRONMENT,
                        "event", parse(Samples.text("security/" + e + ".json")))).toList());
        Map<String, Object> event = parse(Samples.text("security/attach-role-policy-admin.json"));
        securityCoverage.add(Map.of("step", "remediate", "environment", ENVIRONMENT, "dryRun", true, "event", event));
        // Not a dry run: the repair reads the trail's status and restarts its logging (a dry run makes no call).
        securityCoverage.add(Map.of("step", "remediate", "environment", ENVIRONMENT, "dryRun", false,
                "event", parse(Samples.with("security/stop-logging.json",
                        Map.of("trailName", spec.monitoring().cloudTrail().trailName())))));
        securityCoverage.add(Map.of("step", "notify", "state", Map.of("environment", ENVIRONMENT, "event", event,
                "remediation", Map.of("outcomes", List.of()))));
        coverage.put(FunctionCatalog.SECURITY_EVENT, securityCoverage);
        // Who approved a run, from CloudTrail: nothing recorded for this execution, so it answers "not recorded yet".
        coverage.put(FunctionCatalog.LOCK, List.of(Map.of("action", "identify-approver", "environment", ENVIRONMENT,
                "executionId", "arn:aws:states:" + spec.aws().region() + ":" + spec.aws().accountId()
                        + ":execution:qualisys-provision:cold-start-benchmark",
                "startedAt", java.time.Instant.now().minusSeconds(60).toString(), "requestedAt", java.time.Instant.now().toString(),
                "approval", Map.of("approved", true))));
        coverage.put(FunctionCatalog.BUDGET_ALERT, List.of(
                Map.of("step", "respond", "environment", ENVIRONMENT, "dryRun", true,
                        "alert", parse(Samples.text("budget/actual-100-percent-sns-event.json"))),
                // Called directly: responds, publishes and asks EventBridge for a drift check.
                parse(Samples.text("anomaly/eventbridge-event.json"))));
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (!cases.containsKey(f)) {
                // A function added to the catalog after this benchmark: measured on input it must reject before any AWS call.
                add(f, false, "{} (rejected: BadInputException)", Map.of(), Map.of());
            }
        }
    }

    private void add(FunctionCatalog function, boolean representative, String description, Map<String, Object> first,
                     Map<String, Object> second) {
        cases.put(function, new Case(function, List.of(first, second), representative, description, expected(function)));
    }

    /** Part of the answer a function gives to its first input when it did the work (what FunctionPackagesTest checks). */
    private static String expected(FunctionCatalog function) {
        return switch (function) {
            case LOCK -> "\"leaseId\"";
            default -> "{";
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
