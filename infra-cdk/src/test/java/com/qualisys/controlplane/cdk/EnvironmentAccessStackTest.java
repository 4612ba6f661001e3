package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The spoke stacks the app synthesizes beside the hub (phase one): the execution role's trust, the
 * forwarding rules, cfn-lint and cdk-nag; and the hub's side: its bus admits only the spokes, its
 * security rules match each environment's own account.
 */
class EnvironmentAccessStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EnvironmentAccessStack spoke(String env) {
        return (EnvironmentAccessStack) TestStacks.phaseOne().app().getNode().findChild(EnvironmentAccessStack.STACK_NAME_PREFIX + env);
    }

    private static EnvironmentSpec spec(String env) {
        return TestStacks.specs().load(env);
    }

    private static JsonNode json(Object o) {
        return JSON.valueToTree(o);
    }

    /** An ARN as the template writes it (Fn::Join of "arn:", the partition, the rest), with the partition as "aws". */
    private static String arn(JsonNode value) {
        if (value.isTextual()) return value.asText();
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : value.path("Fn::Join").get(1)) sb.append(part.isTextual() ? part.asText() : "aws");
        return sb.toString();
    }

    @Test
    void eachSpokesAlertTopicAndNoOtherMayInvokeTheHubsBudgetFunction() {
        Map<String, Map<String, Object>> fromSns = TestStacks.phaseOne().template().findResources("AWS::Lambda::Permission",
                Map.of("Properties", Map.of("Principal", "sns.amazonaws.com")));
        List<String> sources = new ArrayList<>();
        for (Map<String, Object> permission : fromSns.values()) {
            JsonNode props = json(permission).path("Properties");
            assertThat(props.path("FunctionName").toString()).as("BudgetAlert's live alias").contains("BudgetAlertLive");
            sources.add(arn(props.path("SourceArn")));
        }
        List<String> expected = new ArrayList<>();
        for (String env : TestStacks.specs().environmentNames()) {
            EnvironmentSpec spec = spec(env);
            expected.add("arn:aws:sns:" + spec.aws().region() + ":" + spec.aws().accountId() + ":" + spec.monitoring().alertTopic());
        }
        assertThat(sources).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theExecutionRoleTrustsOnlyTheHubsFunctionRolesAndOnlyWithTheExternalId() {
        for (String env : List.of("dev", "staging", "production")) {
            EnvironmentSpec spec = spec(env);
            EnvironmentAccessStack stack = spoke(env);
            assertThat(stack.getAccount()).isEqualTo(spec.aws().accountId());
            Map<String, Map<String, Object>> roles = Template.fromStack(stack).findResources("AWS::IAM::Role",
                    Map.of("Properties", Map.of("RoleName", "qualisys-control-plane-execution")));
            assertThat(roles).hasSize(1);
            JsonNode role = json(roles.values().iterator().next()).path("Properties");
            assertThat(role.path("Path").asText()).isEqualTo("/control-plane/");
            JsonNode statements = role.path("AssumeRolePolicyDocument").path("Statement");
            assertThat(statements).hasSize(1);
            JsonNode trust = statements.get(0);
            assertThat(trust.path("Effect").asText()).isEqualTo("Allow");
            assertThat(trust.path("Action").asText()).isEqualTo("sts:AssumeRole");
            assertThat(trust.path("Condition")).isEqualTo(json(Map.of("StringEquals", Map.of("sts:ExternalId", spec.aws().externalId()))));
            List<String> principals = new ArrayList<>();
            trust.path("Principal").path("AWS").forEach(p -> principals.add(arn(p)));
            assertThat(trust.path("Principal").size()).as("AWS principals only: no service, no account root").isEqualTo(1);
            String hub = spec.aws().hubAccountId();
            assertThat(principals).containsExactlyInAnyOrder(
                    "arn:aws:iam::" + hub + ":role/control-plane/qualisys-control-plane-plan-layer",
                    "arn:aws:iam::" + hub + ":role/control-plane/qualisys-control-plane-apply-layer",
                    "arn:aws:iam::" + hub + ":role/control-plane/qualisys-control-plane-layer-readiness",
                    "arn:aws:iam::" + hub + ":role/control-plane/qualisys-control-plane-security-event",
                    "arn:aws:iam::" + hub + ":role/control-plane/qualisys-control-plane-budget-alert",
                    // Drift attribution reads the environment's CloudTrail event history.
                    "arn:aws:iam::" + hub + ":role/control-plane/qualisys-control-plane-report",
                    // People running the qualisys CLI (plan, drift, apply from a terminal).
                    "arn:aws:iam::" + hub + ":role/qualisys/qualisys-operator");
        }
    }

    @Test
    void securityEventsAreForwardedToTheHubsBus() {
        EnvironmentSpec dev = spec("dev");
        Map<String, Map<String, Object>> rules = Template.fromStack(spoke("dev")).findResources("AWS::Events::Rule");
        assertThat(rules).hasSameSizeAs(com.qualisys.controlplane.events.security.SecurityEventPatterns.rules(dev));
        for (Map<String, Object> r : rules.values()) {
            JsonNode target = json(r).path("Properties").path("Targets").get(0);
            assertThat(arn(target.path("Arn"))).isEqualTo("arn:aws:events:us-east-1:" + dev.aws().hubAccountId() + ":event-bus/qualisys-control-plane");
        }
    }

    @Test
    void theHubsBusAdmitsOnlyTheSpokesAndEachSecurityRuleMatchesItsEnvironmentsAccount() {
        Template hub = TestStacks.phaseOne().template();
        TreeSet<String> admitted = new TreeSet<>();
        hub.findResources("AWS::Events::EventBusPolicy").values().forEach(p -> {
            JsonNode statement = json(p).path("Properties").path("Statement");
            admitted.add(arn(statement.path("Principal").path("AWS")).replaceAll("arn:aws:iam::(\\d+):root", "$1"));
        });
        assertThat(admitted).containsExactly("123456789012", "444455556666", "777788889999");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        hub.findResources("AWS::Events::Rule").values().forEach(r -> byName.put(json(r).path("Properties").path("Name").asText(),
                json(r).path("Properties")));
        for (String env : List.of("dev", "staging", "production")) {
            for (var r : com.qualisys.controlplane.events.security.SecurityEventPatterns.rules(spec(env))) {
                JsonNode props = byName.get(r.name());
                assertThat(props.path("EventPattern").path("account")).as(r.name())
                        .containsExactly(JSON.getNodeFactory().textNode(spec(env).aws().accountId()));
                assertThat(props.path("EventBusName").toString()).as(r.name()).contains("EventBus");
            }
        }
    }

    @Test
    void theHubsFunctionsMayOnlyAssumeTheExecutionRolesInTheEnvironmentsAccounts() {
        TestStacks.Synth hub = TestStacks.phaseOne();
        ControlPlaneStack stack = hub.stack();
        for (var f : ControlPlaneFunctions.REACH_ENVIRONMENTS) {
            var role = (software.amazon.awscdk.services.iam.Role) stack.getNode().findChild("Functions").getNode().findChild(f.functionName() + "Role");
            List<Map<String, Object>> statements = Cfn.statementsOf(hub.template(), Cfn.logicalId(role));
            List<String> actions = statements.stream().flatMap(s -> Cfn.actions(s).stream()).toList();
            assertThat(actions).as(f.functionName() + ": no layer permission in the hub")
                    .noneMatch(a -> a.startsWith("ec2:") || a.startsWith("iam:") || a.startsWith("eks:") || a.startsWith("rds:Create")
                            || a.startsWith("cloudtrail:") || a.startsWith("budgets:"));
            Map<String, Object> assume = statements.stream().filter(s -> Cfn.actions(s).contains("sts:AssumeRole")).findFirst().orElseThrow();
            assertThat(Cfn.list(assume.get("Resource"))).as(f.functionName()).containsExactlyInAnyOrder(
                    "arn:aws:iam::123456789012:role/control-plane/qualisys-control-plane-execution",
                    "arn:aws:iam::444455556666:role/control-plane/qualisys-control-plane-execution",
                    "arn:aws:iam::777788889999:role/control-plane/qualisys-control-plane-execution");
        }
    }

    @Test
    void theSpokeTemplatePassesCfnLintAndCdkNag() throws Exception {
        assertLintsAndNagsClean(TestStacks.phaseOne(), "dev");
    }

    /** Phase 2: the spoke with the database functions, in both security group set-ups. */
    @Test
    void thePhaseTwoSpokeTemplatesPassCfnLintAndCdkNag() throws Exception {
        assertLintsAndNagsClean(TestStacks.phaseTwo(), TestStacks.PROVISIONED);
        assertLintsAndNagsClean(TestStacks.phaseTwoSpecOwned(), TestStacks.PROVISIONED);
    }

    private static void assertLintsAndNagsClean(TestStacks.Synth synth, String env) throws Exception {
        EnvironmentAccessStack stack = synth.spoke(env);
        Annotations annotations = Annotations.fromStack(stack);
        assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
        assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
        assertThat(annotations.findError("*", Match.anyValue())).extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
        CloudFormationStackArtifact artifact = synth.assembly().getStackByName(stack.getStackName());
        Process p = new ProcessBuilder(CfnLintTest.cfnLint().toString(), "--regions", "us-east-1", "--format", "parseable",
                "--", Path.of(artifact.getTemplateFullPath()).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(out.lines().filter(l -> l.contains(":E")).toList()).as("cfn-lint errors:\n" + out).isEmpty();
        assertThat(p.exitValue() & 2).as("cfn-lint exit " + p.exitValue() + ":\n" + out).isZero();
    }
}
