package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.engine.AttributeCoverage;
import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.ModelFields;
import com.qualisys.controlplane.engine.SdkModelFields;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * Every field AWS returns for every resource kind is decided: compared by drift, or ignored with
 * a reason. The fields come from the SDK's own metadata, so a field a new SDK version adds fails
 * this test until someone decides it.
 */
class AttributeCoverageTest {
    /** Layers whose kinds are not decided yet; a layer leaves this set when it gets its decisions. */
    private static final Set<String> NOT_YET_DECIDED = Set.of();
    private static final Path DOC = RepoPaths.root().resolve("docs/attribute-coverage.md");

    private static Stream<AttributeDecisions> allDecisions() {
        return Layers.all().stream().flatMap(l -> l.attributeDecisions().stream());
    }

    @Test
    void everyFieldOfEveryKindIsComparedOrIgnoredWithAReason() {
        List<String> undecided = allDecisions().flatMap(d -> AttributeCoverage.undecided(d).stream()).toList();
        assertThat(undecided).as("fields of the AWS SDK models with no decision").isEmpty();
    }

    @Test
    void everyDecisionNamesAFieldOfItsModel() {
        assertThat(allDecisions().flatMap(d -> AttributeCoverage.unknown(d).stream()).toList()).isEmpty();
    }

    @Test
    void everyKindALayerDesiresHasItsDecisions() {
        for (Layer layer : Layers.all()) {
            if (NOT_YET_DECIDED.contains(layer.name())) continue;
            Set<String> desiredKinds = new TreeSet<>();
            for (String env : List.of("dev", "staging", "production")) {
                layer.desired(TestSpecs.load(env)).stream().map(DesiredResource::kind).forEach(k -> desiredKinds.add(k.name()));
            }
            Set<String> decided = new TreeSet<>(layer.attributeDecisions().stream().map(AttributeDecisions::kind).toList());
            assertThat(decided).as("kinds of layer " + layer.name() + " with attribute decisions").containsAll(desiredKinds);
        }
    }

    @Test
    void theLayersNotYetDecidedAreExactlyThoseWithoutDecisions() {
        Set<String> without = new TreeSet<>();
        Layers.all().stream().filter(l -> l.attributeDecisions().isEmpty()).forEach(l -> without.add(l.name()));
        assertThat(without).isEqualTo(new TreeSet<>(NOT_YET_DECIDED));
    }

    /** The test of the test: taking away any single decision leaves a field undecided. */
    @Test
    void removingAnyDecisionIsCaught() {
        allDecisions().forEach(kind -> kind.reads().forEach(read -> read.fields().keySet().forEach(field ->
                assertThat(AttributeCoverage.undecided(kind.without(field)))
                        .as("%s without its decision on %s", kind.kind(), field)
                        .anyMatch(u -> u.contains("." + field + " ")))));
    }

    @Test
    void kubernetesFieldsComeFromTheModelsJsonPropertiesIncludingNestedStructures() {
        assertThat(ModelFields.of(io.fabric8.kubernetes.api.model.ResourceQuota.class)).contains("spec.hard", "spec.scopes",
                "metadata.labels", "metadata.managedFields[].manager", "status.used");
        assertThat(ModelFields.of(io.fabric8.kubernetes.api.model.rbac.RoleBinding.class)).contains("roleRef.name", "subjects",
                "subjects[].name", "subjects[].namespace");
    }

    @Test
    void fieldsComeFromTheSdkMetadataIncludingNestedStructures() {
        assertThat(SdkModelFields.of(Subnet.class)).contains("MapPublicIpOnLaunch", "Tags", "Tags[].Key",
                "PrivateDnsNameOptionsOnLaunch.HostnameType", "Ipv6CidrBlockAssociationSet[].Ipv6CidrBlockState.State");
    }

    @Test
    void theCoverageDocumentIsUpToDate() throws IOException {
        List<String> undecidedLayers = Layers.all().stream().map(Layer::name).filter(NOT_YET_DECIDED::contains).toList();
        String rendered = AttributeCoverage.markdown(AttributeCoverage.byLayer(Layers.all()), undecidedLayers);
        if (Boolean.getBoolean("qualisys.regenerate")) Files.writeString(DOC, rendered);
        assertThat(Files.exists(DOC) ? Files.readString(DOC) : "")
                .as("docs/attribute-coverage.md is generated; regenerate it with -Dqualisys.regenerate=true")
                .isEqualTo(rendered);
    }
}
