package com.qualisys.controlplane.cdk.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.cdk.TestTemplates;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operation inventory the functions' tests recorded, evaluated against the synthesized
 * template's policies for the role each call ran as: no call may be denied, and every granted
 * action no test exercised is listed (target/permission-inventory.txt).
 */
class PermissionInventoryTest {
    static final Path RECORDED = TestTemplates.repo().resolve("functions/target/iam-calls");
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRecordedCallIsAllowedByItsRolesPolicies() throws IOException {
        List<PermissionInventory.Call> calls = PermissionInventory.read(RECORDED);
        assertThat(calls).as("recorded calls in " + RECORDED).isNotEmpty();
        StringBuilder report = new StringBuilder();
        List<String> denied = new java.util.ArrayList<>();
        RolePolicies spoke = new RolePolicies(TestTemplates.spoke(), ACCOUNT, REGION);
        for (var template : TestTemplates.all().entrySet()) {
            RolePolicies policies = new RolePolicies(template.getValue(), ACCOUNT, REGION);
            PermissionInventory.Result result = PermissionInventory.evaluate(calls, policies, spoke, TestTemplates.executionRole());
            Map<String, Set<String>> unused = new java.util.TreeMap<>(PermissionInventory.neverExercised(policies, result,
                    new TreeSet<>(result.pairs().keySet())));
            unused.putAll(PermissionInventory.neverExercised(spoke, result, Set.of(TestTemplates.executionRole())));
            report.append("== ").append(template.getKey()).append('\n')
                    .append("distinct (role, action) pairs: ").append(result.pairs().values().stream().mapToInt(Set::size).sum()).append('\n');
            result.pairs().forEach((role, actions) -> report.append("  ").append(role).append(": ").append(actions).append('\n'));
            report.append("denied: ").append(result.denied().size()).append('\n');
            result.denied().forEach(d -> report.append("  ").append(d).append('\n'));
            report.append("conditions not evaluable offline (taken to hold):\n");
            result.unevaluated().forEach(u -> report.append("  ").append(u).append('\n'));
            policies.notEvaluable().forEach(u -> report.append("  ").append(u).append('\n'));
            report.append("calls of main code no function entry point covers:\n");
            result.unattributed().forEach(u -> report.append("  ").append(u).append('\n'));
            report.append("granted, never exercised by a recorded call (why kept, from Unexercised.because next to the grant):\n");
            Map<String, String> reasons = com.qualisys.controlplane.cdk.Unexercised.reasons();
            unused.forEach((role, actions) -> {
                report.append("  ").append(role).append(":\n");
                actions.forEach(a -> report.append("    ").append(a).append(" — ")
                        .append(reasons.getOrDefault(a, "NO REASON GIVEN: justify it next to the grant, or remove it")).append('\n'));
            });
            report.append("unjustified: ").append(unused.values().stream().flatMap(Set::stream)
                    .filter(a -> !reasons.containsKey(a)).distinct().count()).append('\n');
            denied.addAll(result.denied().stream().map(d -> template.getKey() + ": " + d).toList());
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/permission-inventory.txt"), report);
        System.out.println(report);
        assertThat(denied).as("calls the deployed roles would be denied").isEmpty();
    }

    /**
     * The test of the test: take away the one grant an exercised call relies on, and the inventory
     * must name that call as denied.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aRemovedGrantMakesTheInventoryNameTheCallThatNeedsIt() throws IOException {
        List<PermissionInventory.Call> calls = PermissionInventory.read(RECORDED);
        Map<String, Object> original = TestTemplates.all().get("phase one");
        RolePolicies policies = new RolePolicies(original, ACCOUNT, REGION);
        Set<String> checked = new TreeSet<>();
        for (PermissionInventory.Call c : calls) {
            if (!policies.hasRole(c.role()) || checked.contains(c.action())) continue;
            var decision = PolicyEvaluator.evaluate(policies.statements(c.role()), PermissionInventory.inAccount(c, ACCOUNT));
            if (!decision.allowed() || decision.deciding().size() != 1
                    || !decision.deciding().get(0).actions().contains(c.action())) continue;
            String policyId = decision.deciding().get(0).source();
            Map<String, Object> copy = JSON.readValue(JSON.writeValueAsString(original), new TypeReference<>() {});
            Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) copy.get("Resources")).get(policyId);
            Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) resource.get("Properties")).get("PolicyDocument");
            for (Object o : RolePolicies.list(document.get("Statement"))) {
                Map<String, Object> statement = (Map<String, Object>) o;
                List<Object> actions = new java.util.ArrayList<>(RolePolicies.list(statement.get("Action")));
                if (actions.remove(c.action())) statement.put("Action", actions.isEmpty() ? List.of("none:NoAction") : actions);
            }
            PermissionInventory.Result result = PermissionInventory.evaluate(calls, new RolePolicies(copy, ACCOUNT, REGION));
            assertThat(result.denied()).as("without " + c.action() + " in " + policyId)
                    .anySatisfy(d -> assertThat(d).startsWith(c.describe()).contains("IMPLICITLY_DENIED"));
            checked.add(c.action());
            if (checked.size() == 3) break;
        }
        assertThat(checked).as("grants taken away and seen to fail").hasSize(3);
        System.out.println("grants taken away, each seen to fail the inventory: " + checked);
    }
}
