package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class FunctionsTest {
    private final TestStacks.Synth synth = TestStacks.phaseOne();
    private final Template template = synth.template();
    private final ControlPlaneFunctions functions = functions(synth);

    static ControlPlaneFunctions functions(TestStacks.Synth synth) {
        return (ControlPlaneFunctions) synth.stack().getNode().findChild("Functions");
    }

    /** Where a function is deployed: the hub, or (the database functions) dev's spoke stack in phase two. */
    record Deployed(Template template, ControlPlaneFunctions functions) {}

    static Deployed deployed(FunctionCatalog f) {
        if (!f.inEnvironmentAccount()) return new Deployed(TestStacks.phaseOne().template(), functions(TestStacks.phaseOne()));
        TestStacks.Synth two = TestStacks.phaseTwo();
        return new Deployed(two.spokeTemplate(TestStacks.PROVISIONED),
                two.spoke(TestStacks.PROVISIONED).provisioned().orElseThrow().functions);
    }

    private static List<FunctionCatalog> inHub() {
        return java.util.Arrays.stream(FunctionCatalog.values()).filter(f -> !f.inEnvironmentAccount()).toList();
    }

    @Test
    void theHubDefinesOneFunctionPerCatalogEntryButTheDatabaseOnesWhichTheSpokeDefines() {
        template.resourceCountIs("AWS::Lambda::Function", inHub().size());
        Set<Object> names = Cfn.resources(template, "AWS::Lambda::Function").values().stream()
                .map(r -> Cfn.props(r).get("FunctionName")).collect(Collectors.toSet());
        assertThat(names).containsExactlyInAnyOrderElementsOf(inHub().stream().map(FunctionCatalog::deployedName).toList());
        assertThat(functions.deployed()).containsExactlyInAnyOrderElementsOf(inHub());
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (f.inEnvironmentAccount()) assertThat(deployed(f).functions().function(f)).as(f.functionName()).isNotNull();
        }
    }

    /** Each function deploys its own package (functions/target/packages/<Function>.zip): one code asset each. */
    @Test
    void everyFunctionDeploysItsOwnPackage() {
        Set<Object> code = Cfn.resources(template, "AWS::Lambda::Function").values().stream()
                .filter(r -> !String.valueOf(Cfn.props(r).get("FunctionName")).isEmpty())
                .map(r -> Cfn.props(r).get("Code")).collect(Collectors.toSet());
        assertThat(code).hasSize(inHub().size());
    }

    @ParameterizedTest
    @EnumSource(FunctionCatalog.class)
    void eachFunctionRunsItsHandlerOnJava21WithSnapStartAndItsSizing(FunctionCatalog f) {
        FunctionSizing sizing = FunctionSizing.of(f);
        Template template = deployed(f).template();
        ControlPlaneFunctions functions = deployed(f).functions();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", f.deployedName(),
                "Handler", f.handler(),
                "Runtime", "java21",
                "Architectures", List.of(ControlPlaneFunctions.RUN_HELM.contains(f) ? "x86_64" : "arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "MemorySize", sizing.memoryMb(),
                "Timeout", (int) sizing.timeout().toSeconds(),
                "Role", Cfn.getAtt(functions.role(f), "Arn"),
                "LoggingConfig", Match.objectLike(Map.of("LogFormat", "JSON", "LogGroup", Map.of("Ref",
                        Match.stringLikeRegexp("Functions" + f.functionName() + "Logs[0-9A-F]{8}$"))))));
    }

    @ParameterizedTest
    @EnumSource(FunctionCatalog.class)
    void callersGetALiveAliasOnThePublishedVersion(FunctionCatalog f) {
        Template template = deployed(f).template();
        ControlPlaneFunctions functions = deployed(f).functions();
        String fn = Cfn.logicalId(functions.function(f));
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                "Name", ControlPlaneFunctions.ALIAS,
                "FunctionName", Map.of("Ref", fn),
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(
                        // The CDK appends the code's hash to the version's id, so a new version is published.
                        Cfn.logicalId(functions.function(f).getCurrentVersion()) + "[0-9a-f]{32}"), "Version"))));
    }

    @ParameterizedTest
    @EnumSource(FunctionCatalog.class)
    void eachFunctionLogsToItsOwnGroupKeptNinetyDays(FunctionCatalog f) {
        deployed(f).template().hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/lambda/" + f.deployedName(), "RetentionInDays", 90));
    }

    @Test
    void asynchronouslyInvokedFunctionsHaveAnEncryptedDeadLetterQueueAndTheOthersNone() {
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Template template = deployed(f).template();
            ControlPlaneFunctions functions = deployed(f).functions();
            Map<String, Object> props = Cfn.props(Cfn.resource(template, Cfn.logicalId(functions.function(f))));
            if (FunctionSizing.of(f).asyncInvoked()) {
                String queue = Cfn.logicalId(functions.deadLetterQueue(f).orElseThrow());
                assertThat(props.get("DeadLetterConfig")).as(f.functionName())
                        .isEqualTo(Map.of("TargetArn", Map.of("Fn::GetAtt", List.of(queue, "Arn"))));
                assertThat(Cfn.props(Cfn.resource(template, queue))).containsEntry("SqsManagedSseEnabled", true);
            } else {
                assertThat(props).as(f.functionName()).doesNotContainKey("DeadLetterConfig");
            }
        }
        assertThat(functions.deadLetterQueue(FunctionCatalog.BUDGET_ALERT)).isPresent();
        assertThat(deployed(FunctionCatalog.SECRET_ROTATION).functions().deadLetterQueue(FunctionCatalog.SECRET_ROTATION)).isPresent();
    }

    @ParameterizedTest
    @EnumSource(FunctionCatalog.class)
    void aFailingFunctionAlarmsToTheAlertTopic(FunctionCatalog f) {
        ControlPlaneFunctions functions = deployed(f).functions();
        deployed(f).template().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors",
                "Namespace", "AWS/Lambda",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Cfn.ref(functions.function(f)))),
                "Threshold", 1,
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlertingAlertTopic.*")))));
    }

    @Test
    void everyFunctionHasItsOwnRoleUnderTheControlPlanePathWithNoAwsManagedPolicy() {
        Set<String> roles = new HashSet<>();
        for (FunctionCatalog f : FunctionCatalog.values()) {
            String role = Cfn.logicalId(deployed(f).functions().role(f));
            assertThat(roles.add(role)).as("role of " + f.functionName() + " is shared").isTrue();
            Map<String, Object> props = Cfn.props(Cfn.resource(deployed(f).template(), role));
            assertThat(props).containsEntry("Path", FunctionPolicies.ROLE_PATH);
            assertThat(String.valueOf(props.get("ManagedPolicyArns"))).doesNotContain("iam::aws:policy");
        }
    }

    @Test
    void everyFunctionRoleIsOneTheSecurityResponseRecognisesAsTheControlPlane() {
        // The loop guard matches arn:aws:iam::<account>:role<controlPlaneRolePath><FunctionCatalog.roleName()> exactly.
        String path = TestStacks.specs().load("dev").responses().controlPlaneRolePath();
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Map<String, Object> props = Cfn.props(Cfn.resource(deployed(f).template(), Cfn.logicalId(deployed(f).functions().role(f))));
            assertThat(props).containsEntry("RoleName", f.roleName()).containsEntry("Path", path);
        }
    }

    @Test
    void everyHubFunctionIsConfiguredTheWayTheHandlersReadTheirSettingsAndTheDatabaseOnesHoldNoHubSetting() {
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (f.inEnvironmentAccount()) {
                Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) Cfn.props(Cfn.resource(deployed(f).template(),
                        Cfn.logicalId(deployed(f).functions().function(f)))).get("Environment")).get("Variables");
                assertThat(variables.keySet()).as(f.functionName()).map(Object::toString)
                        .containsExactlyInAnyOrder("POWERTOOLS_SERVICE_NAME", "QUALISYS_ENVIRONMENT");
                continue;
            }
            Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) Cfn.props(Cfn.resource(template, Cfn.logicalId(functions.function(f))))
                    .get("Environment")).get("Variables");
            Map<String, String> present = new java.util.HashMap<>();
            variables.keySet().forEach(k -> present.put(k.toString(), "set"));
            com.qualisys.controlplane.handlers.ControlPlane.Settings settings =
                    com.qualisys.controlplane.handlers.ControlPlane.Settings.fromEnvironmentVariables(present);
            assertThat(List.of(settings.alertTopicArn(), settings.driftTopicArn(), settings.reportBucket(),
                    settings.lockTable(), settings.eventBusName())).as(f.functionName()).containsOnly("set");
            assertThat(variables.get("QUALISYS_EVENT_BUS")).isEqualTo(ControlPlaneStack.EVENT_BUS);
        }
    }

    @Test
    void theLockFunctionMayOnlyUseTheLockTableItsLogsAndReadCloudTrailForApprovers() {
        String table = Cfn.logicalId(((StateStore) synth.stack().getNode().findChild("State")).lockTable);
        for (Map<String, Object> s : Cfn.statementsOf(template, Cfn.logicalId(functions.role(FunctionCatalog.LOCK)))) {
            List<String> actions = Cfn.actions(s);
            if (actions.stream().allMatch(a -> a.startsWith("logs:"))) {
                assertThat(actions).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
            } else if (actions.stream().anyMatch(a -> a.startsWith("cloudtrail:"))) {
                // Who approved a run: LookupEvents has no resource-level permissions.
                assertThat(actions).containsExactly("cloudtrail:LookupEvents");
            } else {
                assertThat(actions).allMatch(a -> a.startsWith("dynamodb:") && !a.contains("*"));
                assertThat(Cfn.list(s.get("Resource"))).containsExactly(Map.of("Fn::GetAtt", List.of(table, "Arn")));
            }
        }
    }

    @Test
    void everyWriterMayTakeTheLeaseAndCheckItsFencingTokenAndNoReaderMay() {
        String table = Cfn.logicalId(((StateStore) synth.stack().getNode().findChild("State")).lockTable);
        Map<String, Object> lockTableArn = Map.of("Fn::GetAtt", List.of(table, "Arn"));
        for (FunctionCatalog f : inHub()) {
            List<String> onLockTable = Cfn.statementsOf(template, Cfn.logicalId(functions.role(f))).stream()
                    .filter(s -> Cfn.list(s.get("Resource")).contains(lockTableArn)).flatMap(s -> Cfn.actions(s).stream()).toList();
            boolean writer = List.of(FunctionCatalog.LOCK, FunctionCatalog.APPLY_LAYER, FunctionCatalog.SECURITY_EVENT,
                    FunctionCatalog.BUDGET_ALERT).contains(f);
            if (writer) assertThat(onLockTable).as(f.functionName()).contains("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
            else assertThat(onLockTable).as(f.functionName()).isEmpty();
        }
    }

    @Test
    void readersNeverSeeSecretValuesNorObjectsButTheBudgetOverrides() {
        for (FunctionCatalog f : List.of(FunctionCatalog.PLAN_LAYER, FunctionCatalog.LAYER_READINESS, FunctionCatalog.SECURITY_EVENT)) {
            List<Map<String, Object>> statements = Cfn.statementsOf(template, Cfn.logicalId(functions.role(f)));
            List<String> actions = statements.stream().flatMap(s -> Cfn.actions(s).stream()).toList();
            assertThat(actions).as(f.functionName()).isNotEmpty()
                    .noneMatch(a -> a.startsWith("secretsmanager:GetSecretValue") || a.startsWith("s3:Put")
                            || a.startsWith("ec2:Create") || a.startsWith("iam:Create"));
            statements.stream().filter(s -> Cfn.actions(s).contains("s3:GetObject")).forEach(s ->
                    assertThat(Cfn.resources(s)).as(f.functionName())
                            .containsOnly("arn:${AWS::Partition}:s3:::" + TestStacks.specs().load("dev").reportBucket() + "/overrides/*"));
        }
    }

    private static EnvironmentAccessStack spoke() {
        return (EnvironmentAccessStack) TestStacks.phaseOne().app().getNode().findChild(EnvironmentAccessStack.STACK_NAME_PREFIX + "dev");
    }

    private static software.amazon.awscdk.assertions.Template spokeTemplate() {
        return software.amazon.awscdk.assertions.Template.fromStack(spoke());
    }

    private static String spokeRole() {
        return Cfn.logicalId(spoke().executionRole());
    }

    @Test
    void theAppliersCanNeverReconfigureTheControlPlanesOwnState() {
        // The appliers' permissions are the spoke's execution role's (QualisysEnvironmentAccess-<env>).
        List<Map<String, Object>> statements = Cfn.statementsOf(spokeTemplate(), spokeRole());
        assertThat(statements).filteredOn(s -> "Deny".equals(s.get("Effect"))).extracting(s -> s.get("Sid"))
                .containsExactlyInAnyOrder("NeverTouchControlPlaneState", "NeverTouchControlPlaneIdentity");

        Map<String, Object> state = Cfn.statement(statements, "NeverTouchControlPlaneState");
        assertThat(state.get("Effect")).isEqualTo("Deny");
        assertThat(state).doesNotContainKeys("Condition", "NotAction", "NotResource");
        assertThat(Cfn.actions(state)).containsExactlyInAnyOrder("s3:PutBucket*", "s3:DeleteBucket*", "s3:PutEncryptionConfiguration",
                "s3:PutLifecycleConfiguration", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:Subscribe", "dynamodb:DeleteTable",
                "dynamodb:UpdateTable");
        assertThat(Cfn.resources(state)).containsExactlyInAnyOrder(
                "arn:${AWS::Partition}:s3:::" + TestStacks.specs().load("dev").reportBucket(),
                "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:qualisys-control-plane-*",
                "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/qualisys-control-plane-locks");

        Map<String, Object> identity = Cfn.statement(statements, "NeverTouchControlPlaneIdentity");
        assertThat(identity.get("Effect")).isEqualTo("Deny");
        assertThat(identity).doesNotContainKeys("Condition", "NotAction", "NotResource");
        assertThat(Cfn.actions(identity)).containsExactly("iam:*");
        assertThat(Cfn.resources(identity)).containsExactlyInAnyOrder(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/control-plane/*",
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/control-plane/*",
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/qualisys-control-plane-*",
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*/qualisys-control-plane-*");
    }

    /**
     * Every EC2 write is conditioned on the control plane's tag, but one: moving a subnet's network ACL association,
     * which must reach the VPC's default ACL (AWS makes it untagged with the VPC, IAM cannot name it in advance, and
     * the move changes no rule). That statement grants that action alone.
     */
    @Test
    void ec2WritesAreLimitedToResourcesTaggedAsManagedByTheControlPlane() {
        List<Map<String, Object>> ec2Writes = Cfn.statementsOf(spokeTemplate(), spokeRole())
                .stream().filter(s -> "Allow".equals(s.get("Effect")))
                .filter(s -> Cfn.actions(s).stream().anyMatch(a -> a.startsWith("ec2:") && !a.startsWith("ec2:Describe")))
                .toList();
        List<Map<String, Object>> unconditioned = ec2Writes.stream().filter(s -> s.get("Condition") == null).toList();
        assertThat(unconditioned).singleElement().satisfies(s -> {
            assertThat(Cfn.actions(s)).containsExactly("ec2:ReplaceNetworkAclAssociation");
            assertThat(Cfn.resources(s)).containsExactly("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-acl/*");
        });
        assertThat(ec2Writes).isNotEmpty().filteredOn(s -> s.get("Condition") != null).allSatisfy(s -> assertThat(String.valueOf(s.get("Condition")))
                .containsAnyOf("aws:RequestTag/qualisys:managed-by=qualisys-control-plane",
                        "aws:ResourceTag/qualisys:managed-by=qualisys-control-plane", "ec2:CreateAction"));
    }

    @Test
    void theFunctionsThatRunTheLayersCarryHelmAndRunOnX86() {
        assertThat(ControlPlaneFunctions.RUN_HELM).contains(FunctionCatalog.PLAN_LAYER, FunctionCatalog.APPLY_LAYER);
        Map<String, Map<String, Object>> layers = Cfn.resources(template, "AWS::Lambda::LayerVersion");
        assertThat(layers).hasSize(1);
        String layer = layers.keySet().iterator().next();
        assertThat(Cfn.props(layers.get(layer)).get("CompatibleArchitectures")).isEqualTo(List.of("x86_64"));
        deployed(FunctionCatalog.DB_INIT).template().resourceCountIs("AWS::Lambda::LayerVersion", 0);
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Map<String, Object> props = Cfn.props(Cfn.resource(deployed(f).template(), Cfn.logicalId(deployed(f).functions().function(f))));
            if (ControlPlaneFunctions.RUN_HELM.contains(f)) {
                assertThat(Cfn.list(props.get("Layers"))).as(f.functionName()).containsExactly(Map.of("Ref", layer));
                assertThat(props.get("Architectures")).isEqualTo(List.of("x86_64"));
            } else {
                assertThat(props).as(f.functionName()).doesNotContainKey("Layers");
            }
        }
    }

    @Test
    void everyPolicyFitsIamsSizeLimits() throws Exception {
        // The template's JSON is an upper bound of what IAM counts: intrinsics resolve to shorter strings.
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (TestStacks.Synth synth : List.of(TestStacks.phaseOne(), TestStacks.phaseTwo())) {
            Cfn.resources(synth.template(), "AWS::IAM::ManagedPolicy").forEach((id, p) -> {
                try {
                    assertThat(json.writeValueAsString(Cfn.props(p).get("PolicyDocument")).length()).as(id).isLessThanOrEqualTo(6_144);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Map<Object, Integer> inlinePerRole = new java.util.HashMap<>();
            for (Map<String, Object> p : Cfn.resources(synth.template(), "AWS::IAM::Policy").values()) {
                int size = json.writeValueAsString(Cfn.props(p).get("PolicyDocument")).length();
                Cfn.list(Cfn.props(p).get("Roles")).forEach(r -> inlinePerRole.merge(r, size, Integer::sum));
            }
            assertThat(inlinePerRole).allSatisfy((role, size) -> assertThat(size).as(role.toString()).isLessThanOrEqualTo(10_240));
        }
    }

    @Test
    void inPhaseOneNoFunctionIsAttachedToAVpc() {
        Cfn.resources(template, "AWS::Lambda::Function").values()
                .forEach(r -> assertThat(Cfn.props(r)).doesNotContainKey("VpcConfig"));
        template.resourceCountIs("AWS::EC2::SecurityGroup", 0);
    }
}
