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
 * Read from the synthesized template alone (phase 2, where every trigger exists), so it holds for
 * whatever definitions statemachines/ has: a function counts as used when a state machine's
 * definition, a rotation schedule, an SNS subscription, an invoke permission for an SNS topic (the
 * environments' alert topics, to which the monitoring layer subscribes the function in each account) or
 * an EventBridge rule targets it.
 */
class FunctionUsageTest {
    private static final Pattern FUNCTION_PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+FunctionArn)}");
    private final Template template = TestStacks.phaseTwo().template();

    /** Alias logical id → the function logical id it points at. */
    private Map<String, String> aliases() {
        Map<String, String> out = new LinkedHashMap<>();
        Cfn.resources(template, "AWS::Lambda::Alias").forEach((id, r) -> out.put(id, Cfn.target(Cfn.props(r).get("FunctionName"))));
        return out;
    }

    /** Function logical id → who targets it. */
    private Map<String, Set<String>> usage() {
        Map<String, String> aliases = aliases();
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
        Cfn.resources(template, "AWS::Lambda::Permission").values().stream().map(Cfn::props)
                .filter(p -> "sns.amazonaws.com".equals(p.get("Principal")))
                .forEach(p -> mark.accept(p.get("FunctionName"), "SNS topic " + Cfn.text(p.get("SourceArn"))));
        Cfn.resources(template, "AWS::Events::Rule").values().forEach(r -> Cfn.list(Cfn.props(r).get("Targets"))
                .forEach(t -> mark.accept(((Map<?, ?>) t).get("Arn"), "rule " + Cfn.props(r).get("Name"))));
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
    void secretRotationIsRunBySecretsManagerAndBudgetAlertByEachEnvironmentsAlertTopic() {
        Map<String, Set<String>> used = usage();
        ControlPlaneFunctions functions = FunctionsTest.functions(TestStacks.phaseTwo());
        assertThat(used.get(Cfn.logicalId(functions.function(com.qualisys.controlplane.handlers.FunctionCatalog.SECRET_ROTATION))))
                .anyMatch(s -> s.startsWith("rotation of"));
        assertThat(used.get(Cfn.logicalId(functions.function(com.qualisys.controlplane.handlers.FunctionCatalog.BUDGET_ALERT))))
                .contains(TestStacks.environments().stream()
                        .map(e -> "SNS topic arn:${AWS::Partition}:sns:" + e.aws().region() + ":" + e.aws().accountId() + ":" + e.monitoring().alertTopic())
                        .toArray(String[]::new));
        assertThat(List.copyOf(used.keySet())).isNotEmpty();
    }
}
