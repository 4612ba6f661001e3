package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.cdk.statemachines.AslDefinition;
import com.qualisys.controlplane.cdk.statemachines.ControlPlaneStateMachines;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
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
                if (f.inEnvironmentAccount()) assertThat(substitutions).doesNotContainKey(f.arnPlaceholder());
                else assertThat(substitutions.get(f.arnPlaceholder())).isEqualTo(Cfn.ref(functions.alias(f)));
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
            List<Object> resources = statements.stream().filter(s -> Cfn.actions(s).contains("lambda:InvokeFunction"))
                    .flatMap(s -> Cfn.list(s.get("Resource")).stream()).toList();
            Set<String> invocable = resources.stream().map(Cfn::target).filter(java.util.Objects::nonNull)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> named = d.invokedFunctions().stream().map(f -> Cfn.logicalId(functions.alias(f)))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(invocable).as(d.source()).isEqualTo(named);
            Set<String> inEnvironments = resources.stream().filter(r -> Cfn.target(r) == null).map(Cfn::text)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = new TreeSet<>();
            for (FunctionCatalog f : d.environmentFunctions()) {
                for (EnvironmentSpec e : TestStacks.environments()) expected.add(f.liveAliasArn(e.aws().region(), e.aws().accountId()));
            }
            assertThat(inEnvironments).as(d.source() + ": the live aliases in the environments' accounts").isEqualTo(expected);

            List<String> actions = statements.stream().flatMap(s -> Cfn.actions(s).stream()).toList();
            assertThat(actions.contains("sns:Publish")).as(d.source() + " publishes").isEqualTo(!d.publishedTopics().isEmpty());
            assertThat(actions.contains("events:PutEvents")).as(d.source() + " puts events").isEqualTo(d.putsEvents());
            assertThat(actions.stream().filter(a -> a.startsWith("dynamodb:")).collect(Collectors.toSet()))
                    .isEqualTo(d.lockTableActions());
        }
    }

    /**
     * Provision (and the approved provision) invokes db-init in the environment's own account: its role may invoke
     * exactly each managed environment's qualisys-db-init:live, named by account, and nothing with a wildcard.
     */
    @Test
    void provisionMayInvokeDbInitOnlyInTheManagedEnvironmentsAccountsByName() {
        Set<String> accounts = TestStacks.environments().stream().map(e -> e.aws().accountId()).collect(Collectors.toSet());
        int checked = 0;
        for (AslDefinition d : definitions) {
            if (!d.environmentFunctions().contains(FunctionCatalog.DB_INIT)) continue;
            List<Map<String, Object>> statements = Cfn.statementsOf(template, Cfn.target(props(d).get("RoleArn")));
            assertThat(environmentInvokeProblems(statements, accounts)).as(d.source()).isEmpty();
            checked++;
        }
        assertThat(checked).as("provision invokes db-init in the environments' accounts").isPositive();
    }

    /** The test of the guard: a grant on db-init in any account ('*') or in an account no spec names is named. */
    @Test
    void aWildcardOrForeignAccountInTheDbInitGrantIsNamed() {
        Set<String> accounts = Set.of("123456789012");
        List<Map<String, Object>> wildcard = List.of(Map.of("Effect", "Allow", "Action", "lambda:InvokeFunction",
                "Resource", List.of("arn:aws:lambda:us-east-1:*:function:qualisys-db-init:live")));
        assertThat(environmentInvokeProblems(wildcard, accounts)).singleElement().asString().contains("*:function:qualisys-db-init");
        List<Map<String, Object>> foreign = List.of(Map.of("Effect", "Allow", "Action", List.of("lambda:InvokeFunction"),
                "Resource", "arn:aws:lambda:us-east-1:999999999999:function:qualisys-db-init:live"));
        assertThat(environmentInvokeProblems(foreign, accounts)).singleElement().asString().contains("999999999999");
        List<Map<String, Object>> everything = List.of(Map.of("Effect", "Allow", "Action", "lambda:*", "Resource", "*"));
        assertThat(environmentInvokeProblems(everything, accounts)).singleElement().asString().contains("*");
        List<Map<String, Object>> right = List.of(Map.of("Effect", "Allow", "Action", "lambda:InvokeFunction",
                "Resource", "arn:aws:lambda:us-east-1:123456789012:function:qualisys-db-init:live"));
        assertThat(environmentInvokeProblems(right, accounts)).isEmpty();
    }

    /** Lambda grants that are not a hub alias (a Ref) nor a database function's live alias in one of these accounts. */
    static List<String> environmentInvokeProblems(List<Map<String, Object>> statements, Set<String> accounts) {
        java.util.regex.Pattern alias = java.util.regex.Pattern.compile(
                "arn:aws:lambda:[a-z0-9-]+:(\\d{12}):function:([a-z0-9-]+):" + FunctionCatalog.LIVE_ALIAS);
        List<String> problems = new java.util.ArrayList<>();
        for (Map<String, Object> s : statements) {
            if (Cfn.actions(s).stream().noneMatch(a -> a.equals("lambda:InvokeFunction") || a.equals("lambda:*") || a.equals("*"))) continue;
            for (Object r : Cfn.list(s.get("Resource"))) {
                if (Cfn.target(r) != null) continue;
                String arn = Cfn.text(r);
                java.util.regex.Matcher m = alias.matcher(arn);
                boolean database = m.matches() && java.util.Arrays.stream(FunctionCatalog.values())
                        .anyMatch(f -> f.inEnvironmentAccount() && f.deployedName().equals(m.group(2)));
                if (!database || !accounts.contains(m.group(1))) {
                    problems.add(arn + " is not a database function's live alias in a managed environment's account " + accounts);
                }
            }
        }
        return problems;
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
