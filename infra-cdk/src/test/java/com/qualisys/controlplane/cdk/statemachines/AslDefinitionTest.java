package com.qualisys.controlplane.cdk.statemachines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the CDK app reads out of a definition, without synthesizing anything. */
class AslDefinitionTest {
    private static final Path FIXTURE = RepoPaths.root().resolve("infra-cdk/src/test/resources/statemachines/fixture.asl.json");

    private static AslDefinition parse(String states) {
        return AslDefinition.parse("t", "statemachines/t.asl.json", "{\"StartAt\":\"A\",\"States\":{" + states + "}}");
    }

    @Test
    void theFixtureUsesEveryPlaceholderAStateMachineCanUse() {
        AslDefinition fixture = AslDefinition.read(FIXTURE);
        assertThat(fixture.name()).isEqualTo("fixture");
        assertThat(fixture.stateMachineName()).isEqualTo("qualisys-fixture");
        // Secrets Manager runs SecretRotation and SNS runs BudgetAlert: no state machine needs to.
        Set<String> expected = new java.util.TreeSet<>(AslDefinition.knownPlaceholders());
        expected.remove("BudgetAlertFunctionArn");
        assertThat(fixture.placeholders()).isEqualTo(expected);
        // The database functions live in each environment's account: no placeholder stands for them.
        assertThat(AslDefinition.knownPlaceholders()).doesNotContain("DbInitFunctionArn", "SecretRotationFunctionArn");
        assertThat(fixture.publishedTopics()).containsExactly("DriftTopicArn");
        assertThat(fixture.putsEvents()).isTrue();
        assertThat(fixture.lockTableActions()).containsExactly("dynamodb:DeleteItem");
    }

    @Test
    void functionsAreFoundInTaskResourcesLambdaInvokeParametersAndNestedBranches() {
        AslDefinition fixture = AslDefinition.read(FIXTURE);
        // Notify only receives the alert topic's ARN in its payload: that grants the state machine nothing.
        assertThat(fixture.invokedFunctions()).isEqualTo(EnumSet.complementOf(
                EnumSet.of(FunctionCatalog.DB_INIT, FunctionCatalog.SECRET_ROTATION, FunctionCatalog.BUDGET_ALERT)));
        assertThat(fixture.environmentFunctions()).containsExactly(FunctionCatalog.DB_INIT);
        AslDefinition map = parse("\"A\":{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"B\",\"States\":{"
                + "\"B\":{\"Type\":\"Task\",\"QueryLanguage\":\"JSONata\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
                + "\"Arguments\":{\"FunctionName\":\"${PlanLayerFunctionArn}\"},\"End\":true}}},\"End\":true}");
        assertThat(map.invokedFunctions()).containsExactly(FunctionCatalog.PLAN_LAYER);
    }

    @Test
    void anUnknownPlaceholderIsRejectedNamingTheFileAndThePlaceholder() {
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"${ProvisionFunctionArn}\",\"End\":true}"))
                .isInstanceOf(AslException.class)
                .hasMessageContaining("statemachines/t.asl.json").hasMessageContaining("${ProvisionFunctionArn}")
                .hasMessageContaining("LockFunctionArn");
    }

    @Test
    void aTaskThatNamesAFunctionByLiteralArnIsRejected() {
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
                + "\"Parameters\":{\"FunctionName\":\"arn:aws:lambda:us-east-1:1:function:x\"},\"End\":true}"))
                .hasMessageContaining("state A").hasMessageContaining("arn:aws:lambda:us-east-1:1:function:x");
    }

    @Test
    void aFunctionOfTheEnvironmentsAccountsIsInvokedByTheArnTheRunBuildsAndNeverByAHubPlaceholder() {
        AslDefinition d = parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{"
                + "\"FunctionName.$\":\"States.Format('arn:aws:lambda:{}:{}:function:qualisys-db-init:live', $.run.region, $.run.account)\"},"
                + "\"End\":true}");
        assertThat(d.environmentFunctions()).containsExactly(FunctionCatalog.DB_INIT);
        assertThat(d.invokedFunctions()).isEmpty();
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{"
                + "\"FunctionName\":\"${DbInitFunctionArn}\"},\"End\":true}"))
                .isInstanceOf(AslException.class).hasMessageContaining("${DbInitFunctionArn}")
                .hasMessageContaining("runs in each environment's own account").hasMessageContaining("States.Format(");
        // A hub function by a run-built ARN would be invoked in the environment's account, where it does not exist.
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{"
                + "\"FunctionName.$\":\"States.Format('arn:aws:lambda:{}:{}:function:qualisys-apply-layer:live', $.r, $.a)\"},"
                + "\"End\":true}"))
                .isInstanceOf(AslException.class).hasMessageContaining("state A").hasMessageContaining("qualisys-db-init")
                .hasMessageContaining("${<Name>FunctionArn}");
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{"
                + "\"FunctionName.$\":\"$.anyFunction\"},\"End\":true}"))
                .isInstanceOf(AslException.class).hasMessageContaining("FunctionName.$ $.anyFunction");
    }

    @Test
    void publishingToATopicThatIsNotAPlaceholderIsRejected() {
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sns:publish\","
                + "\"Parameters\":{\"TopicArn.$\":\"$.topic\",\"Message\":\"x\"},\"End\":true}"))
                .hasMessageContaining("state A publishes to TopicArn");
    }

    @Test
    void anIntegrationTheAppGrantsNothingForIsRejected() {
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::aws-sdk:ec2:deleteVpc\",\"End\":true}"))
                .hasMessageContaining("state A has Resource arn:aws:states:::aws-sdk:ec2:deleteVpc");
    }

    @Test
    void aFileThatIsNotAslIsRejected() {
        assertThatThrownBy(() -> AslDefinition.parse("t", "statemachines/t.asl.json", "{\"StartAt\": "))
                .hasMessageContaining("statemachines/t.asl.json is not valid JSON");
        assertThatThrownBy(() -> AslDefinition.parse("t", "statemachines/t.asl.json", "[]"))
                .hasMessageContaining("has no States object");
    }

    @Test
    void aDefinitionTheRunnerRejectsIsRejectedNamingTheFileStateAndField() {
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Pass\",\"Next\":\"Nowhere\"}"))
                .isInstanceOf(AslException.class)
                .hasMessageContaining("statemachines/t.asl.json is not a valid state machine definition")
                .hasMessageContaining("state \"A\": transition to \"Nowhere\" names no state");
        assertThatThrownBy(() -> parse("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input %}\",\"End\":true}"))
                .hasMessageContaining("field \"Output\" is a JSONata field");
    }

    @Test
    void waitForTaskTokenInvocationsCountAsInvocations() {
        AslDefinition d = parse("\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\","
                + "\"Parameters\":{\"FunctionName\":\"${NotifyFunctionArn}\"},\"End\":true}");
        assertThat(d.invokedFunctions()).isEqualTo(Set.of(FunctionCatalog.NOTIFY));
    }
}
