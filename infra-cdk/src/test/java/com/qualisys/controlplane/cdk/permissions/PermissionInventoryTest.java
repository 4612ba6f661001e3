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
