package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * Read from the synthesized templates alone (phase 2, where every trigger exists: the hub and dev's
 * spoke), so it holds for whatever definitions statemachines/ has: a function counts as used when a
 * state machine's definition, a rotation schedule, a schedule, an SNS subscription or an EventBridge
 * rule targets it, or (a spoke's database function) its alias admits a hub state machine's role whose
 * definition invokes it in the environment's account.
 */
class FunctionUsageTest {
    private static final Pattern FUNCTION_PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+FunctionArn)}");
    private final Template template = TestStacks.phaseTwo().template();
    private final Template spoke = TestStacks.phaseTwo().spokeTemplate(TestStacks.PROVISIONED);

    /** Alias logical id → the function logical id it points at. */
    private Map<String, String> aliases() {
        return aliases(template);
    }

    private static Map<String, String> aliases(Template template) {
        Map<String, String> out = new LinkedHashMap<>();
        Cfn.resources(template, "AWS::Lambda::Alias").forEach((id, r) -> out.put(id, Cfn.target(Cfn.props(r).get("FunctionName"))));
        return out;
    }

    /** Function logical id → who targets it. */
    private Map<String, Set<String>> usage() {
        return usage(template);
    }

    private static Map<String, Set<String>> usage(Template template) {
        Map<String, String> aliases = aliases(template);
        Map<String, Set<String>> used = new TreeMap<>();
        java.util.function.BiConsumer<Object, String> mark = (ref, by) -> {
            String target = Cfn.target(ref);
            if (target == null) throw new AssertionError(by + " targets " + ref + ", which is no resource of the stack");
            String function = aliases.getOrDefault(target, target);
            used.computeIfAbsent(function, k -> new TreeSet<>()).add(by);
        };
        Cfn.resources(template, "AWS::StepFunctions::StateMachine").forEach((id, r) -> {
            Map<String, Object> props = Cfn.props(r);
            @SuppressWarnings("unchecked")
            Map<String, Object> substitutions = (Map<String, Object>) props.get("DefinitionSubstitutions");
            Matcher m = FUNCTION_PLACEHOLDER.matcher(props.get("DefinitionString").toString());
            while (m.find()) mark.accept(substitutions.get(m.group(1)), "state machine " + props.get("StateMachineName"));
        });
        Cfn.resources(template, "AWS::SecretsManager::RotationSchedule").values().forEach(r ->
                mark.accept(Cfn.props(r).get("RotationLambdaARN"), "rotation of " + Cfn.props(r).get("SecretId")));
        Cfn.resources(template, "AWS::SNS::Subscription").values().stream().map(Cfn::props)
                .filter(p -> "lambda".equals(p.get("Protocol")))
                .forEach(p -> mark.accept(p.get("Endpoint"), "SNS subscription"));
        Cfn.resources(template, "AWS::Events::Rule").values().forEach(r -> Cfn.list(Cfn.props(r).get("Targets")).forEach(t -> {
            Object arn = ((Map<?, ?>) t).get("Arn");
            // A spoke's rules forward to the hub's bus: a target, but no function.
            if (Cfn.target(arn) == null && Cfn.text(arn).contains(":event-bus/")) return;
            mark.accept(arn, "rule " + Cfn.props(r).get("Name"));
        }));
        Cfn.resources(template, "AWS::Scheduler::Schedule").values().stream().map(Cfn::props)
                .forEach(p -> mark.accept(((Map<?, ?>) p.get("Target")).get("Arn"), "schedule " + p.get("Name")));
        // Who else may invoke a function: a spoke's alias admits a hub role (an IAM principal); the hub's BudgetAlert
        // admits each spoke's alert topic, to which the monitoring layer subscribes it (SNS).
        Cfn.resources(template, "AWS::Lambda::Permission").values().stream().map(Cfn::props).forEach(p -> {
            if (p.get("Principal") instanceof String service && service.endsWith(".amazonaws.com")) {
                if (service.equals("sns.amazonaws.com")) mark.accept(p.get("FunctionName"), "SNS topic " + Cfn.text(p.get("SourceArn")));
            } else {
                mark.accept(p.get("FunctionName"), "hub role " + Cfn.text(p.get("Principal")).replaceAll(".*/", ""));
            }
        });
        return used;
    }

    @Test
    void everyTaskArnInTheAslFilesResolvesToAFunctionOfTheStack() {
        Set<String> functions = Cfn.resources(template, "AWS::Lambda::Function").keySet();
        Map<String, String> aliases = aliases();
        Cfn.resources(template, "AWS::StepFunctions::StateMachine").values().forEach(r -> {
            Map<String, Object> props = Cfn.props(r);
            Map<?, ?> substitutions = (Map<?, ?>) props.get("DefinitionSubstitutions");
            Matcher m = FUNCTION_PLACEHOLDER.matcher(props.get("DefinitionString").toString());
            while (m.find()) {
                Object value = substitutions.get(m.group(1));
                assertThat(value).as(props.get("StateMachineName") + ": ${" + m.group(1) + "}").isNotNull();
                assertThat(functions).as(props.get("StateMachineName") + ": ${" + m.group(1) + "} → " + value)
                        .contains(aliases.get(Cfn.target(value)));
            }
        });
    }

    @Test
    void everyFunctionTheStackDefinesIsUsed() {
        Map<String, Set<String>> used = usage();
        Set<String> unused = new TreeSet<>(Cfn.resources(template, "AWS::Lambda::Function").keySet());
        unused.removeAll(used.keySet());
        assertThat(unused).as("functions nothing invokes (used: " + used + ")").isEmpty();
    }

    @Test
    void budgetAlertIsRunByEachEnvironmentsAlertTopic() {
        Map<String, Set<String>> used = usage();
        ControlPlaneFunctions functions = FunctionsTest.functions(TestStacks.phaseTwo());
        assertThat(used.get(Cfn.logicalId(functions.function(com.qualisys.controlplane.handlers.FunctionCatalog.BUDGET_ALERT))))
                .contains(TestStacks.environments().stream()
                        .map(e -> "SNS topic arn:${AWS::Partition}:sns:" + e.aws().region() + ":" + e.aws().accountId() + ":" + e.monitoring().alertTopic())
                        .toArray(String[]::new));
        assertThat(List.copyOf(used.keySet())).isNotEmpty();
    }

    /**
     * The spoke's database functions: SecretRotation by Secrets Manager and the health schedule, DbInit by the hub's
     * provision machines, whose definitions invoke it in the environment's account and whose roles its alias admits.
     */
    @Test
    void everyFunctionOfTheSpokeIsUsedSecretRotationBySecretsManagerAndDbInitByTheHubsProvision() {
        Map<String, Set<String>> used = usage(spoke);
        Set<String> unused = new TreeSet<>(Cfn.resources(spoke, "AWS::Lambda::Function").keySet());
        unused.removeAll(used.keySet());
        assertThat(unused).as("spoke functions nothing invokes (used: " + used + ")").isEmpty();
        ControlPlaneFunctions functions = TestStacks.phaseTwo().spoke(TestStacks.PROVISIONED).provisioned().orElseThrow().functions;
        assertThat(used.get(Cfn.logicalId(functions.function(com.qualisys.controlplane.handlers.FunctionCatalog.SECRET_ROTATION))))
                .anyMatch(s -> s.startsWith("rotation of")).contains("schedule qualisys-rotation-health-dev");
        Set<String> dbInit = used.get(Cfn.logicalId(functions.function(com.qualisys.controlplane.handlers.FunctionCatalog.DB_INIT)));
        assertThat(dbInit).contains("hub role qualisys-control-plane-sm-provision");
        // ... and that role's machine does invoke it: the hub's provision definition names db-init in the environment's account.
        String provision = Cfn.resources(template, "AWS::StepFunctions::StateMachine").values().stream().map(Cfn::props)
                .filter(p -> "qualisys-provision".equals(p.get("StateMachineName"))).map(p -> p.get("DefinitionString").toString())
                .findFirst().orElseThrow();
        assertThat(provision).contains(":function:qualisys-db-init:live");
    }
}
