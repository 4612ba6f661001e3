package com.qualisys.controlplane.cdk.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.cdk.TestTemplates;
import com.qualisys.controlplane.cdk.Unexercised;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operation inventory the functions' tests recorded, evaluated against the synthesized
 * templates' policies for the role each call ran as (the function's hub role for the control
 * plane's own state, the spoke's execution role for an environment's account): no call may be
 * denied. The report (target/permission-inventory.txt) also lists every granted action no recorded
 * call used, with the reason next to its grant ({@code Unexercised.because}) or NO REASON GIVEN.
 */
class PermissionInventoryTest {
    /** The functions' tests' calls (the Lambda functions' roles and, in environments, the execution role). */
    static final Path RECORDED = TestTemplates.repo().resolve("functions/target/iam-calls");
    /**
     * The cli module's tests' calls (it runs after functions in the reactor): the CLI's own calls as the operator
     * role, and the functions' handlers that its local runs execute in-process as those functions.
     */
    static final Path CLI_RECORDED = TestTemplates.repo().resolve("cli/target/iam-calls");
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<RolePolicies> OTHER_SPOKES = TestTemplates.otherSpokes().stream().map(PermissionInventoryTest::spoke).toList();

    @Test
    void everyRecordedCallIsAllowedByItsRolesPolicies() throws IOException {
        List<PermissionInventory.Call> calls = recorded();
        assertThat(calls).as("recorded calls in " + RECORDED).isNotEmpty();
        StringBuilder report = new StringBuilder();
        List<String> denied = new ArrayList<>();
        List<String> unattributed = new ArrayList<>();
        RolePolicies spoke = spoke(TestTemplates.spoke());
        for (var template : TestTemplates.all().entrySet()) {
            RolePolicies hub = new RolePolicies(template.getValue(), ACCOUNT, REGION);
            PermissionInventory.Result result = PermissionInventory.evaluate(calls, hub, spoke, OTHER_SPOKES,
                    TestTemplates.executionRole());
            report.append(PermissionInventory.report(template.getKey(), result, hub, spoke, TestTemplates.executionRole(),
                    Unexercised.reasons()));
            denied.addAll(result.denied().stream().map(d -> template.getKey() + ": " + d).toList());
            unattributed.addAll(result.unattributed());
        }
        write(report);
        assertThat(denied).as("calls the deployed roles would deny").isEmpty();
        assertThat(unattributed).as("calls of main code that no function entry point covers (add it to CallerAttribution)").isEmpty();
    }

    /**
     * Least privilege: every action an Allow statement grants is used by a recorded call, or its grant says
     * why it stays ({@code Unexercised.because} next to it). Only the whole suite's record can tell: a
     * partial run's record fails here, naming the test classes it lacks.
     */
    @Test
    void everyGrantNoRecordedCallUsedIsJustifiedNextToIt() {
        for (Path record : List.of(RECORDED, CLI_RECORDED)) {
            String partial = RecordCoverage.of(record.getParent().getParent(), record).partial(record);
            if (partial != null) fail(partial);
        }
        assertThat(unjustified(TestTemplates.all(), TestTemplates.spoke(), Unexercised.reasons()))
                .as("granted actions no recorded call used and no reason next to the grant (Unexercised.because) keeps:"
                        + " remove the grant or say why it stays")
                .isEmpty();
    }

    /** The test of the test: a record that lacks a test class of the suite is refused, naming the class. */
    @Test
    void aPartialRecordIsRefusedNamingTheTestClassesItLacks(@TempDir Path record) throws IOException {
        Files.writeString(record.resolve("classes-1.txt"), "a.VpcTest SUCCESSFUL\na.RdsTest$Nested SUCCESSFUL\na.EksTest FAILED\n");
        RecordCoverage coverage = new RecordCoverage(Set.of("a.VpcTest", "a.RdsTest", "a.EksTest", "a.IamTest"),
                RecordCoverage.of(TestTemplates.repo().resolve("functions"), record).recorded());

        assertThat(coverage.missing()).containsExactly("a.EksTest", "a.IamTest");
        assertThat(coverage.partial(record)).contains("partial run: 2 of 4 test classes have no record", "a.EksTest", "a.IamTest");
        assertThat(new RecordCoverage(Set.of("a.VpcTest"), Set.of("a.VpcTest")).partial(record)).isNull();
    }

    /** The test of the test: a grant nothing needs and nothing justifies is named. */
    @Test
    @SuppressWarnings("unchecked")
    void anUnneededGrantWithoutAReasonIsNamed() throws IOException {
        Map<String, Object> spoke = copy(TestTemplates.spoke());
        Map<String, Object> resources = (Map<String, Object>) spoke.get("Resources");
        Map<String, Object> policy = (Map<String, Object>) resources.values().stream()
                .filter(r -> "AWS::IAM::Policy".equals(((Map<String, Object>) r).get("Type"))).findFirst().orElseThrow();
        Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties")).get("PolicyDocument");
        List<Object> statements = new ArrayList<>(RolePolicies.list(document.get("Statement")));
        statements.add(Map.of("Effect", "Allow", "Action", "ec2:DeleteKeyPair", "Resource", "*"));
        document.put("Statement", statements);

        List<String> unjustified = unjustified(TestTemplates.all(), spoke, Unexercised.reasons());
        assertThat(unjustified).contains(TestTemplates.executionRole() + " ec2:DeleteKeyPair");
        Map<String, String> withReason = new TreeMap<>(Unexercised.reasons());
        withReason.put("ec2:DeleteKeyPair", "a reason given next to the grant");
        assertThat(unjustified(TestTemplates.all(), spoke, withReason)).doesNotContain(TestTemplates.executionRole() + " ec2:DeleteKeyPair");
    }

    /**
     * The test of the test: take away the one grant an exercised call relies on — in a hub role and
     * in the spoke's execution role — and the inventory must name that call as denied.
     */
    @Test
    void aRemovedGrantMakesTheInventoryNameTheCallThatNeedsIt() throws IOException {
        List<PermissionInventory.Call> calls = recorded();
        Map<String, Object> hub = TestTemplates.all().get("phase one");
        Map<String, Object> spoke = TestTemplates.spoke();
        String execution = TestTemplates.executionRole();
        Set<String> checked = new TreeSet<>();
        for (boolean inEnvironment : List.of(false, true)) {
            int found = 0;
            for (PermissionInventory.Call c : calls) {
                if (c.inEnvironment() != inEnvironment || checked.contains(c.action())) continue;
                Map<String, Object> template = inEnvironment ? spoke : hub;
                RolePolicies policies = inEnvironment ? spoke(template) : new RolePolicies(template, ACCOUNT, REGION);
                String role = inEnvironment ? execution : c.role();
                if (!policies.hasRole(role)) continue;
                var decision = PolicyEvaluator.evaluate(policies.statements(role), PermissionInventory.inAccount(c, ACCOUNT));
                if (!decision.allowed() || decision.deciding().size() != 1
                        || !decision.deciding().get(0).actions().contains(c.action())) continue;
                Map<String, Object> without = withoutAction(template, decision.deciding().get(0).source(), c.action());
                if (without == null) continue;
                PermissionInventory.Result result = inEnvironment
                        ? PermissionInventory.evaluate(calls, new RolePolicies(hub, ACCOUNT, REGION), spoke(without), execution)
                        : PermissionInventory.evaluate(calls, new RolePolicies(without, ACCOUNT, REGION), spoke(spoke), execution);
                assertThat(result.denied()).as("without " + c.action() + " in " + decision.deciding().get(0).source())
                        .anySatisfy(d -> assertThat(d).startsWith(c.describe()).contains("IMPLICITLY_DENIED"));
                checked.add(c.action());
                if (++found == 2) break;
            }
            assertThat(found).as("grants taken away and seen to fail, " + (inEnvironment ? "spoke" : "hub")).isEqualTo(2);
        }
        System.out.println("grants taken away, each seen to fail the inventory: " + checked);
    }

    private static List<String> unjustified(Map<String, Map<String, Object>> hubs, Map<String, Object> spokeTemplate,
                                            Map<String, String> reasons) {
        List<PermissionInventory.Call> calls = recorded();
        RolePolicies spoke = spoke(spokeTemplate);
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> template : hubs.values()) {
            RolePolicies hub = new RolePolicies(template, ACCOUNT, REGION);
            PermissionInventory.Result result = PermissionInventory.evaluate(calls, hub, spoke, OTHER_SPOKES,
                    TestTemplates.executionRole());
            PermissionInventory.neverExercised(hub, spoke, TestTemplates.executionRole(), result).forEach((role, actions) ->
                    actions.stream().filter(a -> !reasons.containsKey(a)).forEach(a -> out.add(role + " " + a)));
        }
        return List.copyOf(out);
    }

    /** Both modules' records; the cli's may be absent after a run of functions and infra-cdk alone. */
    static List<PermissionInventory.Call> recorded() {
        List<PermissionInventory.Call> calls = new ArrayList<>(PermissionInventory.read(RECORDED));
        if (Files.isDirectory(CLI_RECORDED)) calls.addAll(PermissionInventory.read(CLI_RECORDED));
        return calls;
    }

    private static RolePolicies spoke(Map<String, Object> template) {
        return new RolePolicies(template, ACCOUNT, REGION);
    }

    /** A copy of the template whose resource {@code policyId} no longer grants {@code action}; null if it is not a resource. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutAction(Map<String, Object> template, String policyId, String action) throws IOException {
        Map<String, Object> copy = copy(template);
        Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) copy.get("Resources")).get(policyId);
        if (resource == null) return null;
        Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) resource.get("Properties")).get("PolicyDocument");
        for (Object o : RolePolicies.list(document.get("Statement"))) {
            Map<String, Object> statement = (Map<String, Object>) o;
            List<Object> actions = new ArrayList<>(RolePolicies.list(statement.get("Action")));
            if (actions.remove(action)) statement.put("Action", actions.isEmpty() ? List.of("none:NoAction") : actions);
        }
        return copy;
    }

    private static Map<String, Object> copy(Map<String, Object> template) throws IOException {
        return JSON.readValue(JSON.writeValueAsString(template), new TypeReference<>() {});
    }

    private static void write(StringBuilder report) throws IOException {
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/permission-inventory.txt"), report);
        System.out.println(report);
    }
}
