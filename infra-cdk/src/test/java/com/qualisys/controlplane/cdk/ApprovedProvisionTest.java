package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * approveDestructive: true only by the spec's approver: provision is deployed a second time as
 * qualisys-provision-approved (the Lock function accepts approveDestructive only in its runs), and the only
 * StartExecution grant on it in the whole stack is the approver role's, conditioned on its aws:PrincipalArn.
 */
class ApprovedProvisionTest {
    private static final String APPROVER = "QualisysReleaseApprover";

    @Test
    void onlyTheNamedApproverMayStartTheApprovedProvision() throws IOException {
        Map<String, Map<String, Object>> resources = synthesizeWithApprover().template().toJSON().entrySet().stream()
                .filter(e -> e.getKey().equals("Resources")).map(e -> castMap(e.getValue())).findFirst().orElseThrow()
                .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> castMap(e.getValue())));
        String approved = machine(resources, StateMachines.deployedName(StateMachines.APPROVED_PROVISION));
        String provision = machine(resources, StateMachines.PROVISION.deployedName());
        assertThat(Cfn.props(resources.get(approved)).get("DefinitionString"))
                .as("the same definition as provision").isEqualTo(Cfn.props(resources.get(provision)).get("DefinitionString"));

        // A permissions boundary grants nothing by itself: it only caps the roles that carry it.
        java.util.Set<String> boundaries = new java.util.HashSet<>();
        resources.forEach((id, r) -> {
            if (com.qualisys.controlplane.layers.support.PermissionsBoundary.NAME.equals(Cfn.props(r).get("ManagedPolicyName"))) boundaries.add(id);
        });
        assertThat(boundaries).as("the layers' permissions boundary").hasSize(1);
        List<String> grants = new ArrayList<>();
        resources.forEach((id, r) -> statements(r).forEach(s -> {
            if (boundaries.contains(id)) return;
            boolean starts = Cfn.actions(s).stream().anyMatch(a -> a.equals("states:StartExecution") || a.equals("states:*") || a.equals("*"));
            boolean onApproved = Cfn.list(s.get("Resource")).stream().anyMatch(res -> res.equals(Map.of("Ref", approved)) || "*".equals(res));
            if (starts && onApproved && "Allow".equals(s.get("Effect"))) grants.add(id);
        }));
        assertThat(grants).as("policies that let a principal start " + approved).hasSize(1);
        Map<String, Object> policy = Cfn.props(resources.get(grants.get(0)));
        assertThat(Cfn.list(policy.get("Roles"))).containsExactly(APPROVER);
        Map<String, Object> statement = statements(resources.get(grants.get(0))).get(0);
        assertThat(statement.get("Condition")).isEqualTo(Map.of("ArnEquals", Map.of("aws:PrincipalArn", Map.of("Fn::Join", List.of("",
                List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::", Map.of("Ref", "AWS::AccountId"), ":role/" + APPROVER))))));
    }

    @Test
    void withoutAnApproverThereIsNoApprovedProvision() {
        Map<String, Map<String, Object>> machines = TestStacks.phaseOne().template().findResources("AWS::StepFunctions::StateMachine");
        assertThat(machines.values()).extracting(r -> Cfn.props(r).get("StateMachineName"))
                .contains(StateMachines.PROVISION.deployedName())
                .doesNotContain(StateMachines.deployedName(StateMachines.APPROVED_PROVISION));
    }

    /** The repository's specs with aws.approverRole named in defaults.yaml. */
    private static TestStacks.Synth synthesizeWithApprover() throws IOException {
        SpecLoader specs = TestStacks.specsWithDev(Files.readString(TestStacks.REPO.resolve("environments/dev.yaml")));
        Path defaults = TestStacks.copiedDir().resolve("defaults.yaml");
        String yaml = Files.readString(defaults).replaceFirst("(?m)^aws:\n", "aws:\n  approverRole: " + APPROVER + "\n");
        assertThat(yaml).contains("approverRole: " + APPROVER);
        Files.writeString(defaults, yaml);
        return TestStacks.synthesize(specs, Optional.empty(), Map.of());
    }

    private static String machine(Map<String, Map<String, Object>> resources, String name) {
        return resources.entrySet().stream().filter(e -> "AWS::StepFunctions::StateMachine".equals(e.getValue().get("Type"))
                && name.equals(Cfn.props(e.getValue()).get("StateMachineName"))).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no state machine " + name));
    }

    /** The statements of an IAM policy, managed policy or role's inline policies; none for other resources. */
    private static List<Map<String, Object>> statements(Map<String, Object> resource) {
        Map<String, Object> props = Cfn.props(resource);
        List<Object> documents = new ArrayList<>();
        switch (String.valueOf(resource.get("Type"))) {
            case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> documents.add(props.get("PolicyDocument"));
            case "AWS::IAM::Role" -> Cfn.list(props.get("Policies")).forEach(p -> documents.add(castMap(p).get("PolicyDocument")));
            default -> { }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        documents.forEach(d -> Cfn.list(castMap(d).get("Statement")).forEach(s -> out.add(castMap(s))));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
