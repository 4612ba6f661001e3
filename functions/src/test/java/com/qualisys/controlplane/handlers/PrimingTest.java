package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.testing.FunctionPackage;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart hook ({@link Priming}), invoked as Lambda invokes it before a snapshot: it warms JSON, the
 * specs, the layers and the SDK clients without a single AWS call (a snapshot must hold no response nor
 * connection from before it); and, started from each function's own package, it warms only what that
 * package ships (no linkage error where a module is absent), after which the function still answers.
 */
class PrimingTest {
    @Test
    void theHookWarmsJsonSpecsLayersAndClientsWithoutCallingAws() {
        AwsClients aws = LocalAws.shared().clients();
        ControlPlane cp = new ControlPlane(TestSpecs.loader(), s -> aws, Layers.all(),
                new ControlPlane.Settings(null, null, null, null, "default"));

        Priming layerHook = Priming.of(new PlanLayerHandler(cp));
        assertThat(layerHook.lastPrimed()).as("nothing before the checkpoint").isNull();
        layerHook.beforeCheckpoint(null);
        Map<String, Object> primed = layerHook.lastPrimed();
        assertThat(primed.get("json")).isEqualTo(3);
        assertThat((String) primed.get("tls")).as("the HTTPS exchange over loopback").startsWith("TLSv1.3 TLS_");
        assertThat(primed.get("javaTime")).as("the java.time mapper, both ways").isEqualTo("1970-01-01T00:00:00Z");
        assertThat(primed.get("specs")).isEqualTo(TestSpecs.loader().environmentNames());
        assertThat(primed.get("layers")).isEqualTo(LayerNames.ORDER);
        assertThat(asStrings(primed.get("clients"))).contains("Ec2Client", "IamClient", "DynamoDbClient", "S3Client", "StsClient");

        Priming lockHook = Priming.of(new LockHandler(cp));
        lockHook.beforeCheckpoint(null);
        assertThat(lockHook.lastPrimed()).as("Lock runs no layer").doesNotContainKey("layers").containsKey("specs");
        assertThat(aws.calls().total()).as("AWS calls made by priming").isZero();
    }

    /**
     * The layers a Lambda-configured control plane makes are the handler's (ControlPlane.fromEnvironment): the layer
     * handlers name them all, in order; a handler that runs none refuses, by name, rather than reconcile nothing.
     */
    @Test
    void eachHandlerNamesTheLayersItRunsAndTheOthersRefuseToMakeThem() {
        ControlPlane cp = new ControlPlane(TestSpecs.loader(), s -> LocalAws.shared().clients(), List.of(),
                new ControlPlane.Settings(null, null, null, null, "default"));
        for (ControlPlaneHandler layered : List.of(new PlanLayerHandler(cp), new ApplyLayerHandler(cp), new LayerReadinessHandler(cp),
                new SecurityEventHandler(cp))) {
            assertThat(layered.layers().get().stream().map(com.qualisys.controlplane.engine.Layer::name).toList())
                    .as(layered.getClass().getSimpleName()).isEqualTo(LayerNames.ORDER);
        }
        for (ControlPlaneHandler unlayered : List.of(new LockHandler(cp), new NotifyHandler(cp), new BudgetAlertHandler(cp))) {
            assertThatThrownBy(() -> unlayered.layers().get()).as(unlayered.getClass().getSimpleName())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("runs no layer");
        }
    }

    /**
     * Lock ships DynamoDB (and STS for its hub guard), Notify SNS and what its hub guard needs, Report S3 shrunk to the
     * object operations it calls, PlanLayer every layer's modules and fabric8.
     */
    @Test
    void fromItsOwnPackageEachFunctionPrimesWhatItShipsAndStillAnswers() throws IOException {
        Path work = FunctionPackage.workDirectory().resolve("priming");
        ColdStartBenchmark.deleteTree(work);
        Path probe = ColdStartBenchmark.copyProbe(work.resolve("probe"));
        Path packages = FunctionPackagesTest.build(FunctionPackagesTest.MANIFEST, work.resolve("packages"), "Lock", "Notify", "Report", "PlanLayer");
        LocalAws local = LocalAws.shared();
        // The functions run as the hub runs them (their hub guard checks the account): a hub function role's session,
        // the lock table in the hub, dev reached through the execution role its spoke stack creates.
        var dev = TestSpecs.load("dev");
        com.qualisys.controlplane.emulator.EmulatedAccounts accounts = new com.qualisys.controlplane.emulator.EmulatedAccounts(local);
        accounts.deploySpoke(dev.aws().accountId(), List.of(com.qualisys.controlplane.emulator.EmulatedAccounts.hubRoleArn(
                dev.aws().hubAccountId())), dev.aws().externalId());
        var hubSession = accounts.hubCredentials(dev.aws().hubAccountId());
        AwsClients aws = accounts.hub(dev.aws().hubAccountId());
        String lockTable = dev.state().lockTable();
        if (!aws.dynamoDb().listTables().tableNames().contains(lockTable)) {
            aws.dynamoDb().createTable(r -> r.tableName(lockTable).billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName(ApplyLock.PARTITION_KEY).keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName(ApplyLock.PARTITION_KEY).attributeType("S")));
        }
        aws.dynamoDb().deleteItem(r -> r.tableName(lockTable).key(Map.of(ApplyLock.PARTITION_KEY,
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(ApplyLock.lockId("dev")))));
        if (aws.s3().listBuckets().buckets().stream().noneMatch(b -> b.name().equals(dev.reportBucket()))) {
            aws.s3().createBucket(r -> r.bucket(dev.reportBucket()));
        }
        Map<FunctionCatalog, Map<String, Object>> inputs = Map.of(
                FunctionCatalog.LOCK, Map.of("action", "acquire", "environment", "dev", "holder", "priming-test", "input", Map.of()),
                FunctionCatalog.NOTIFY, Map.of("kind", "failure", "environment", "dev", "executionId", "priming-test",
                        "error", Map.of("Error", "States.TaskFailed", "Cause", "priming test")),
                FunctionCatalog.REPORT, Map.of("kind", "provision", "environment", "dev", "executionId", "priming-test", "layers", List.of()),
                FunctionCatalog.PLAN_LAYER, Map.of("environment", "dev", "layer", "account", "kind", "drift"));
        for (var e : inputs.entrySet()) {
            FunctionCatalog f = e.getKey();
            Path unpacked = work.resolve("unpacked").resolve(f.functionName());
            FunctionPackage.unpack(packages.resolve(f.functionName() + ".zip"), unpacked);
            List<String> command = ColdStartBenchmark.javaCommand(List.of(), FunctionPackage.classpath(probe, unpacked));
            command.addAll(List.of("--prime", f.handler()));
            ColdStartStage.write(f, List.of(e.getValue()), work.resolve("inputs")).forEach(p -> command.add(p.toString()));
            Path log = work.resolve(f.functionName() + ".log");
            ColdStartBenchmark.Launch launch = ColdStartBenchmark.launch(command,
                    ColdStartStage.lambdaEnvironment(local.endpoint(), "us-east-1", hubSession, f, dev.aws().hubAccountId()), log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            String primed = out.lines().filter(l -> l.startsWith(ColdStartProbe.MARK + "primed ")).findFirst().orElse("");
            assertThat(primed).as(f.functionName() + " primed; output in " + log).isNotEmpty();
            assertThat(primed).as(f.functionName() + " ran its clients' operations, answered in the JVM").containsPattern("\"operations\":\\[\"\\w+Client\\.\\w+\"");
            assertThat(launch.firstOutcome()).as(f.functionName() + " answers after priming").startsWith("ok ");
            if (f == FunctionCatalog.LOCK) {
                aws.dynamoDb().deleteItem(r -> r.tableName(lockTable).key(Map.of(ApplyLock.PARTITION_KEY,
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(ApplyLock.lockId("dev")))));
            }
            switch (f) {
                case LOCK -> assertThat(primed).contains("DynamoDbClient").doesNotContain("Ec2Client").doesNotContain("\"layers\"");
                // Notify reads the specs for its hub guard (aws.hubAccountId), which takes the account from the invocation's
                // ARN: its package has no STS client to prime.
                case NOTIFY -> assertThat(primed).contains("SnsClient", "\"specs\"").doesNotContain("DynamoDbClient", "StsClient");
                // Its S3 module keeps only the forms its code calls (getObjectAsBytes, putObject with a body): the object's
                // content is primed through the form they call.
                case REPORT -> assertThat(primed).contains("\"S3Client.getObject\"", "\"S3Client.putObject\"");
                default -> assertThat(primed).contains("Ec2Client", "\"layers\":[\"account\",\"iam\"", "\"specs\"");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> asStrings(Object o) {
        return (List<String>) o;
    }
}
