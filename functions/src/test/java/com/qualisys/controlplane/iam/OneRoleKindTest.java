package com.qualisys.controlplane.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every layer that owns IAM roles owns them through the one role kind: the same attributes, the
 * same field decisions. A layer that reconciled roles its own way again (other attributes, other
 * decisions) fails here.
 */
class OneRoleKindTest {
    private static final DesiredResource ROLE = RoleKind.desired("dev", "x/role/r",
            new RoleKind.Definition("r", Map.of(), 3600, "d", List.of(), Map.of()));
    private static final Set<String> ATTRIBUTES = Set.copyOf(ROLE.attributes().keySet());

    @Test
    void theLayersThatOwnRolesAreIamVpcEksAndRds() {
        Set<String> owners = new TreeSet<>();
        for (Layer layer : Layers.all()) {
            if (desiredRoles(layer).findAny().isPresent()) owners.add(layer.name());
        }
        assertThat(owners).containsExactlyInAnyOrder("iam", "vpc", "eks", "rds");
    }

    @Test
    void everyLayerOwnsItsRolesThroughTheOneRoleKind() {
        List<String> violations = new ArrayList<>();
        for (Layer layer : Layers.all()) violations.addAll(violations(layer.name(), desiredRoles(layer).toList(), layer.attributeDecisions()));
        assertThat(violations).isEmpty();
    }

    /** The test of the test: a role with an attribute of its own, or decided its own way, is caught. */
    @Test
    void aRoleReconciledAnotherWayIsCaught() {
        Map<String, Object> attributes = new LinkedHashMap<>(ROLE.attributes());
        attributes.put("deliveryPolicy", Map.of());
        DesiredResource ownAttribute = new DesiredResource(ROLE.logicalId(), ROLE.kind(), attributes);
        assertThat(violations("x", List.of(ownAttribute), List.of(RoleKind.decisionsOf(RoleKind.KIND))))
                .singleElement().asString().contains("deliveryPolicy");

        AttributeDecisions ownDecisions = RoleKind.decisionsOf(RoleKind.KIND).without("MaxSessionDuration");
        assertThat(violations("x", List.of(ROLE), List.of(ownDecisions))).singleElement().asString().contains("role decisions differ");
    }

    private static List<String> violations(String layer, List<DesiredResource> roles, List<AttributeDecisions> decisions) {
        List<String> out = new ArrayList<>();
        for (DesiredResource r : roles) {
            if (!r.kind().equals(RoleKind.KIND)) out.add(layer + ": " + r.logicalId() + " has kind " + r.kind() + ", not RoleKind.KIND");
            if (!r.attributes().keySet().equals(ATTRIBUTES)) out.add(layer + ": " + r.logicalId() + " has attributes " + r.attributes().keySet());
        }
        if (!roles.isEmpty()) {
            List<AttributeDecisions> roleDecisions = decisions.stream().filter(d -> d.kind().equals(RoleKind.KIND.name())).toList();
            if (!roleDecisions.equals(List.of(RoleKind.decisionsOf(RoleKind.KIND)))) {
                out.add(layer + ": role decisions differ from RoleKind's: " + roleDecisions);
            }
        }
        return out;
    }

    private static Stream<DesiredResource> desiredRoles(Layer layer) {
        return layer.desired(TestSpecs.load("dev")).stream().filter(d -> d.kind().name().equals(RoleKind.KIND.name()));
    }
}
