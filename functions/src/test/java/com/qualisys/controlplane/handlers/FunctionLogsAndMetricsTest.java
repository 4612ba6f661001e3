package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.json.Json;
import com.qualisys.controlplane.observability.EmfDocuments;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.testing.FunctionPackage;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What a deployed ApplyLayer function writes to stdout (which Lambda sends to CloudWatch Logs): it is
 * started from its own package in a fresh JVM with a Lambda context, applies the iam layer of dev to
 * an empty account (the first execution), then again (the second: nothing to do). Every line must be
 * a JSON object: the Powertools log lines, one per applied change with its environment, layer,
 * logical id, action and API calls, all carrying the execution's name as correlation_id; and the
 * embedded-metric-format documents, valid by the specification, whose ChangesApplied and ApiCalls
 * agree with the answer and the log lines. The secret access key the function signs with appears nowhere.
 */
class FunctionLogsAndMetricsTest {
    private static final String LAYER = "iam";

    @Test
    void aLambdaInvocationWritesJsonLinesWithOneLinePerChangeAndValidEmbeddedMetrics() throws IOException {
        LocalAws local = LocalAws.shared();
        local.reset();
        EnvironmentSpec spec = TestSpecs.load(ColdStartStage.ENVIRONMENT);
        // The function runs as the hub runs it (its hub guard checks the account): a hub function role's session, the
        // control plane's state in the hub, dev reached through the execution role its spoke stack creates.
        com.qualisys.controlplane.emulator.EmulatedAccounts accounts = new com.qualisys.controlplane.emulator.EmulatedAccounts(local);
        String hubAccount = spec.aws().hubAccountId();
        accounts.deploySpoke(spec.aws().accountId(), List.of(com.qualisys.controlplane.emulator.EmulatedAccounts.hubRoleArn(hubAccount)),
                spec.aws().externalId());
        var hubSession = accounts.hubCredentials(hubAccount);
        AwsClients aws = accounts.hub(hubAccount);
        aws.s3().createBucket(r -> r.bucket(spec.reportBucket()));
        aws.dynamoDb().createTable(r -> r.tableName(spec.state().lockTable())
                .keySchema(KeySchemaElement.builder().attributeName(ApplyLock.PARTITION_KEY).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(ApplyLock.PARTITION_KEY)
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));

        Path work = FunctionPackage.workDirectory().resolve("logs-and-metrics");
        ColdStartBenchmark.deleteTree(work);
        Path zip = FunctionPackagesTest.build(FunctionPackagesTest.MANIFEST, work.resolve("packages"), "ApplyLayer")
                .resolve("ApplyLayer.zip");
        Path unpacked = work.resolve("unpacked");
        FunctionPackage.unpack(zip, unpacked);
        Path probe = ColdStartBenchmark.copyProbe(work.resolve("probe"));
        String first = "provision-dev-" + UUID.randomUUID();
        String second = "provision-dev-" + UUID.randomUUID();
        List<Map<String, Object>> inputs = List.of(input(first), input(second));
        List<String> command = ColdStartBenchmark.javaCommand(List.of(), FunctionPackage.classpath(probe, unpacked));
        command.add(FunctionCatalog.APPLY_LAYER.handler());
        List<Path> inputFiles = ColdStartStage.write(FunctionCatalog.APPLY_LAYER, inputs, work.resolve("inputs"));
        inputFiles.forEach(p -> command.add(p.toString()));
        String secretKey = hubSession.secretAccessKey();
        Map<String, String> env = ColdStartStage.lambdaEnvironment(local.endpoint(), spec.aws().region(), hubSession,
                FunctionCatalog.APPLY_LAYER, hubAccount);
        Path log = work.resolve("stdout.log");
        ColdStartBenchmark.Launch launch;
        try {
            launch = ColdStartBenchmark.launch(command, env, log);
        } finally {
            local.resetStubs(); // dev's role trust is checked from deploySpoke on: later tests start clean
        }
        String stdout = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(launch.firstOutcome()).as("the first apply's answer; stdout in " + log).startsWith("ok ");
        assertThat(launch.warmOutcome()).as("the second apply's answer").startsWith("ok ");
        JsonNode firstAnswer = Json.mapper().readTree(inputFiles.get(0).resolveSibling(
                inputFiles.get(0).getFileName().toString().replace(".json", ".answer.json")).toFile());
        int changes = firstAnswer.get("changes").asInt();
        assertThat(changes).as("the first apply of iam on an empty account creates its roles and policies").isGreaterThan(1);
        assertThat(stdout).doesNotContain(secretKey);

        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            if (line.startsWith(ColdStartProbe.MARK)) continue;
            lines.add(json(line));
        }
        List<JsonNode> changeLines = lines.stream().filter(l -> l.has("logicalId")).toList();
        assertThat(changeLines).as("one log line per applied change").hasSize(changes);
        List<String> appliedIds = new ArrayList<>();
        firstAnswer.get("applied").forEach(a -> appliedIds.add(a.get("logicalId").asText()));
        assertThat(changeLines.stream().map(l -> l.get("logicalId").asText()).toList()).isEqualTo(appliedIds);
        int callsInLines = 0;
        for (JsonNode l : changeLines) {
            assertThat(l.get("level").asText()).isEqualTo("INFO");
            assertThat(l.get("correlation_id").asText()).as("the execution's name").isEqualTo(first);
            assertThat(l.get("function_name").asText()).as("from the Lambda context").isEqualTo(ApplyLayerHandler.class.getSimpleName());
            assertThat(l.get("environment").asText()).isEqualTo("dev");
            assertThat(l.get("layer").asText()).isEqualTo(LAYER);
            assertThat(l.get("logicalId").asText()).startsWith(LAYER + "/");
            assertThat(l.get("action").asText()).isEqualTo("CREATE");
            assertThat(l.get("mutatingApiCalls").asInt()).as(l.toString()).isPositive();
            assertThat(l.get("apiCalls").asInt()).isGreaterThanOrEqualTo(l.get("mutatingApiCalls").asInt());
            assertThat(l.get("message").asText()).contains(l.get("logicalId").asText());
            callsInLines += l.get("apiCalls").asInt();
        }

        List<JsonNode> metrics = lines.stream().filter(l -> l.has("_aws")).toList();
        assertThat(metrics).as("one EMF document per invocation (one environment and layer each)").hasSize(2);
        metrics.forEach(m -> assertThat(EmfDocuments.violations(m)).as(m.toString()).isEmpty());
        JsonNode firstMetrics = metrics.get(0);
        assertThat(firstMetrics.get("correlation_id").asText()).isEqualTo(first);
        assertThat(firstMetrics.get("Environment").asText()).isEqualTo("dev");
        assertThat(firstMetrics.get("Layer").asText()).isEqualTo(LAYER);
        assertThat(firstMetrics.get("ChangesApplied").asInt()).isEqualTo(changes);
        assertThat(firstMetrics.get("ApiCalls").asInt()).as("the changes' calls, and the plan's reads before them").isGreaterThan(callsInLines);
        assertThat(firstMetrics.get("MutatingApiCalls").asInt()).isEqualTo(changeLines.stream().mapToInt(l -> l.get("mutatingApiCalls").asInt()).sum());
        JsonNode secondMetrics = metrics.get(1);
        assertThat(secondMetrics.get("correlation_id").asText()).isEqualTo(second);
        assertThat(secondMetrics.get("ChangesApplied").asInt()).as("the second apply has nothing to do").isZero();
        assertThat(secondMetrics.get("MutatingApiCalls").asInt()).isZero();
    }

    private static Map<String, Object> input(String execution) {
        return Map.of("environment", ColdStartStage.ENVIRONMENT, "layer", LAYER,
                "executionId", "arn:aws:states:us-east-1:123456789012:execution:qualisys-provision:" + execution);
    }

    private static JsonNode json(String line) {
        try {
            JsonNode node = Json.mapper().readTree(line);
            assertThat(node.isObject()).as("a JSON object: " + line).isTrue();
            return node;
        } catch (IOException e) {
            throw new AssertionError("not a JSON line on the function's stdout: " + line, e);
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(line, e));
        }
    }
}
