package com.qualisys.controlplane.events.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.ResourceIndex;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The logical ids the events package names (security findings, the targeted drift check, budget overrides)
 * are the ids the layers give their resources: otherwise a targeted check would look for a resource no
 * layer has, and an override would explain nothing.
 */
class ManagedResourcesAlignmentTest {

    @Test
    void everyLogicalIdTheClassifierCanNameForTheDevSpecIsInSomeLayersDesiredState() {
        EnvironmentSpec dev = TestSpecs.load("dev");
        Set<String> desired = Layers.all().stream().flatMap(l -> l.desired(dev).stream()).map(DesiredResource::logicalId)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> registered = Layers.all().stream().map(Layer::name).collect(Collectors.toSet());

        Set<String> named = new ManagedResources(dev).allLogicalIds();
        assertThat(named).hasSizeGreaterThan(20);
        Set<String> unknown = new TreeSet<>();
        for (String id : named) {
            assertThat(LayerNames.ORDER).as(id).contains(ResourceIndex.layerOf(id));
            if (registered.contains(ResourceIndex.layerOf(id)) && !desired.contains(id)) unknown.add(id);
        }
        assertThat(unknown).as("named by the events package but in no layer's desired state").isEmpty();
    }
}
