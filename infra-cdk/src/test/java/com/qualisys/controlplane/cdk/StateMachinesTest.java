package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.cdk.statemachines.AslDefinition;
import com.qualisys.controlplane.cdk.statemachines.ControlPlaneStateMachines;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/** Iterates whatever definitions statemachines/ holds (the fixture standing in for missing ones). */
class StateMachinesTest {
    private final TestStacks.Synth synth = TestStacks.phaseOne();
    private final Template template = synth.template();
    private final List<AslDefinition> definitions = TestStacks.definitionsUnderTest();
    private final ControlPlaneFunctions functions = FunctionsTest.functions(synth);

    private StateMachine stateMachine(String name) {
        return ((ControlPlaneStateMachines) synth.stack().getNode().findChild("StateMachines")).byName().get(name);
    }

    private Map<String, Object> props(AslDefinition d) {
        return Cfn.props(Cfn.resource(template, Cfn.logicalId(stateMachine(d.name()))));
    }

    @Test
    void everyDefinitionFileIsDeployedAsItIsUnderItsQualisysName() {
        template.resourceCountIs("AWS::StepFunctions::StateMachine", definitions.size());
        for (AslDefinition d : definitions) {
            Map<String, Object> props = props(d);
            assertThat(props.get("StateMachineName")).isEqualTo("qualisys-" + d.name());
            assertThat(props.get("DefinitionString")).as(d.source()).isEqualTo(d.text());
            assertThat(props.get("StateMachineType")).isEqualTo("STANDARD");
        }
    }

    @Test
    void everyPlaceholderIsSubstitutedWithTheResourceItNames() {
        StateStore state = (StateStore) synth.stack().getNode().findChild("State");
        Alerting alerting = (Alerting) synth.stack().getNode().findChild("Alerting");
        for (AslDefinition d : definitions) {
            @SuppressWarnings("unchecked")
            Map<String, Object> substitutions = (Map<String, Object>) props(d).get("DefinitionSubstitutions");
            assertThat(substitutions.keySet()).as(d.source()).containsAll(d.placeholders());
            for (FunctionCatalog f : FunctionCatalog.values()) {
                assertThat(substitutions.get(f.arnPlaceholder())).isEqualTo(Cfn.ref(functions.alias(f)));
            }
            assertThat(substitutions.get("AlertTopicArn")).isEqualTo(Cfn.ref(alerting.alertTopic));
            assertThat(substitutions.get("DriftTopicArn")).isEqualTo(Cfn.ref(alerting.driftTopic));
            assertThat(substitutions.get("ReportBucket")).isEqualTo(Cfn.ref(state.reportBucket));
            assertThat(substitutions.get("LockTable")).isEqualTo(Cfn.ref(state.lockTable));
            assertThat(substitutions.get("EventBusName")).isEqualTo(ControlPlaneStack.EVENT_BUS);
        }
    }

    @Test
    void eachStateMachineMayInvokeExactlyTheFunctionsItsDefinitionNames() {
        for (AslDefinition d : definitions) {
            Map<String, Object> props = props(d);
            List<Map<String, Object>> statements = Cfn.statementsOf(template, Cfn.target(props.get("RoleArn")));
            Set<String> invocable = statements.stream().filter(s -> Cfn.actions(s).contains("lambda:InvokeFunction"))
                    .flatMap(s -> Cfn.list(s.get("Resource")).stream()).map(Cfn::target).collect(Collectors.toCollection(TreeSet::new));
            Set<String> named = d.invokedFunctions().stream().map(f -> Cfn.logicalId(functions.alias(f)))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(invocable).as(d.source()).isEqualTo(named);

            List<String> actions = statements.stream().flatMap(s -> Cfn.actions(s).stream()).toList();
            assertThat(actions.contains("sns:Publish")).as(d.source() + " publishes").isEqualTo(!d.publishedTopics().isEmpty());
            assertThat(actions.contains("events:PutEvents")).as(d.source() + " puts events").isEqualTo(d.putsEvents());
            assertThat(actions.stream().filter(a -> a.startsWith("dynamodb:")).collect(Collectors.toSet()))
                    .isEqualTo(d.lockTableActions());
        }
    }

    @Test
    void everyStateMachineLogsAndTracesItsExecutionsWithoutTheirData() {
        for (AslDefinition d : definitions) {
            assertThat(props(d).get("TracingConfiguration")).isEqualTo(Map.of("Enabled", true));
            assertThat(props(d).get("LoggingConfiguration")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("Level", "ALL").containsEntry("IncludeExecutionData", false).containsKey("Destinations");
            template.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                    "LogGroupName", "/aws/vendedlogs/states/qualisys-" + d.name(), "RetentionInDays", 90));
        }
    }

    @Test
    void aFailedExecutionOfAnyStateMachineAlarmsToTheAlertTopic() {
        for (AslDefinition d : definitions) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    "MetricName", "ExecutionsFailed",
                    "Namespace", "AWS/States",
                    "Dimensions", List.of(Map.of("Name", "StateMachineArn", "Value", Cfn.ref(stateMachine(d.name())))),
                    "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlertingAlertTopic.*")))));
        }
    }
}
