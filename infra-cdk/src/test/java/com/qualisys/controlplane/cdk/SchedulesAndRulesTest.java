package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.events.security.SecurityEventPatterns;
import com.qualisys.controlplane.cdk.statemachines.ControlPlaneStateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

class SchedulesAndRulesTest {
    private final TestStacks.Synth synth = TestStacks.phaseOne();
    private final Template template = synth.template();

    private StateMachine stateMachine(String name) {
        return ((ControlPlaneStateMachines) synth.stack().getNode().findChild("StateMachines")).byName().get(name);
    }

    private String deliveryDeadLetters() {
        return Cfn.logicalId(synth.stack().getNode().findChild("DeliveryDeadLetters"));
    }

    @Test
    void everyEnvironmentGetsADriftCheckAtItsSpecSchedule() throws Exception {
        List<EnvironmentSpec> environments = TestStacks.environments();
        assertThat(environments).extracting(EnvironmentSpec::environment).contains("dev", "staging", "production");
        // One drift check and one restore-expired per environment, and drift-check-all's.
        template.resourceCountIs("AWS::Scheduler::Schedule", 2 * environments.size() + 1);
        for (EnvironmentSpec env : environments) {
            Map<String, Object> schedule = Cfn.resources(template, "AWS::Scheduler::Schedule").values().stream()
                    .map(Cfn::props).filter(p -> p.get("Name").equals("qualisys-drift-" + env.environment()))
                    .findFirst().orElseThrow(() -> new AssertionError("no schedule for " + env.environment()));
            assertThat(schedule.get("ScheduleExpression")).isEqualTo(env.drift().schedule());
            assertThat(schedule.get("State")).isEqualTo("ENABLED");
            Map<?, ?> target = (Map<?, ?>) schedule.get("Target");
            assertThat(target.get("Arn")).isEqualTo(Cfn.ref(stateMachine(ControlPlaneSettings.DRIFT_CHECK)));
            assertThat((Object) new ObjectMapper().readTree(target.get("Input").toString()))
                    .isEqualTo(new ObjectMapper().readTree("{\"environment\":\"" + env.environment() + "\"}"));
            assertThat(target.get("DeadLetterConfig")).isEqualTo(Map.of("Arn", Map.of("Fn::GetAtt", List.of(deliveryDeadLetters(), "Arn"))));
            assertThat(((Map<?, ?>) target.get("RetryPolicy")).get("MaximumRetryAttempts")).isEqualTo(3);
        }
        assertThat(TestStacks.specs().load("dev").drift().schedule()).isEqualTo("rate(1 day)");
    }

    @Test
    void everyEnvironmentsExpiredBudgetOverridesAreRestoredDaily() throws Exception {
        for (EnvironmentSpec env : TestStacks.environments()) {
            Map<String, Object> schedule = Cfn.resources(template, "AWS::Scheduler::Schedule").values().stream()
                    .map(Cfn::props).filter(p -> p.get("Name").equals("qualisys-restore-expired-" + env.environment()))
                    .findFirst().orElseThrow(() -> new AssertionError("no restore-expired schedule for " + env.environment()));
            assertThat(schedule.get("ScheduleExpression")).isEqualTo("cron(15 0 * * ? *)");
            Map<?, ?> target = (Map<?, ?>) schedule.get("Target");
            assertThat(target.get("Arn")).isEqualTo(Cfn.ref(stateMachine(ControlPlaneSettings.BUDGET_RESPONSE)));
            assertThat((Object) new ObjectMapper().readTree(target.get("Input").toString())).isEqualTo(new ObjectMapper()
                    .readTree("{\"environment\":\"" + env.environment() + "\",\"action\":\"restore-expired\"}"));
            assertThat(target.get("DeadLetterConfig")).isEqualTo(Map.of("Arn", Map.of("Fn::GetAtt", List.of(deliveryDeadLetters(), "Arn"))));
        }
    }

    @Test
    void eachScheduleMayStartOnlyItsOwnStateMachine() {
        for (Map<String, Object> resource : Cfn.resources(template, "AWS::Scheduler::Schedule").values()) {
            Map<String, Object> schedule = Cfn.props(resource);
            Map<?, ?> target = (Map<?, ?>) schedule.get("Target");
            String role = Cfn.target(target.get("RoleArn"));
            List<Object> startable = Cfn.statementsOf(template, role).stream()
                    .filter(s -> Cfn.actions(s).contains("states:StartExecution")).flatMap(s -> Cfn.list(s.get("Resource")).stream()).toList();
            assertThat(startable).as("%s", schedule.get("Name")).containsExactly(target.get("Arn"));
        }
    }

    @Test
    void theSchedulerMayStartOnlyTheDriftCheck() {
        Map<String, Object> schedule = Cfn.resources(template, "AWS::Scheduler::Schedule").values().stream().map(Cfn::props)
                .filter(p -> p.get("Name").equals("qualisys-drift-dev")).findFirst().orElseThrow();
        String role = Cfn.target(((Map<?, ?>) schedule.get("Target")).get("RoleArn"));
        List<Map<String, Object>> starts = Cfn.statementsOf(template, role).stream()
                .filter(s -> Cfn.actions(s).contains("states:StartExecution")).toList();
        assertThat(starts).hasSize(1);
        assertThat(Cfn.list(starts.get(0).get("Resource"))).containsExactly(Cfn.ref(stateMachine(ControlPlaneSettings.DRIFT_CHECK)));
    }

    @Test
    void everySecurityPatternOfEveryEnvironmentStartsTheSecurityResponseWithADeadLetterQueue() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<Object, Map<String, Object>> rules = new java.util.HashMap<>();
        Cfn.resources(template, "AWS::Events::Rule").values().forEach(r -> rules.put(Cfn.props(r).get("Name"), Cfn.props(r)));
        int expected = 0;
        for (EnvironmentSpec env : TestStacks.environments()) {
            for (SecurityEventPatterns.EventRule r : SecurityEventPatterns.rules(env)) {
                expected++;
                Map<String, Object> rule = rules.get(r.name());
                assertThat(rule).as(r.name()).isNotNull();
                // The environment's pattern, for the events of its own account only (the spokes forward to one bus).
                com.fasterxml.jackson.databind.node.ObjectNode inAccount = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(r.patternJson());
                inAccount.putArray("account").add(env.aws().accountId());
                assertThat((Object) json.valueToTree(rule.get("EventPattern"))).as(r.name()).isEqualTo(inAccount);
                Map<?, ?> target = (Map<?, ?>) Cfn.list(rule.get("Targets")).get(0);
                assertThat(target.get("Arn")).isEqualTo(Cfn.ref(stateMachine(ControlPlaneSettings.SECURITY_RESPONSE)));
                assertThat(target.get("DeadLetterConfig")).isEqualTo(Map.of("Arn", Map.of("Fn::GetAtt", List.of(deliveryDeadLetters(), "Arn"))));
                assertThat(((Map<?, ?>) target.get("RetryPolicy")).get("MaximumRetryAttempts")).isEqualTo(8);
                // The execution input names the environment whose rule matched, next to the whole event.
                Map<?, ?> transformer = (Map<?, ?>) target.get("InputTransformer");
                assertThat(transformer.get("InputPathsMap").toString()).contains("=$}");
                assertThat(transformer.get("InputTemplate").toString())
                        .contains("\"environment\":\"" + env.environment() + "\"").contains("\"event\":<");
            }
        }
        assertThat(rules.keySet().stream().filter(n -> n != null)).hasSize(expected);
        assertThat(expected).isGreaterThan(3 * 5);
        // EventBridge may send to the dead-letter queue only on behalf of this rule.
        template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Principal", Map.of("Service", "events.amazonaws.com"),
                        "Action", "sqs:SendMessage")))))));
    }

    @Test
    void undeliveredEventsAndSchedulesAlarm() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(deliveryDeadLetters(), "QueueName")))),
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlertingAlertTopic.*")))));
    }
}
