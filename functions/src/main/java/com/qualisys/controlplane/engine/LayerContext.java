package com.qualisys.controlplane.engine;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;

/**
 * What a layer's observe and apply see: the spec, the AWS clients, the resource index, and the
 * environment's intentional overrides (a layer that judges its own state, as readiness does, must
 * not take an override for a change still to make).
 */
public record LayerContext(EnvironmentSpec spec, AwsClients aws, ResourceIndex index, List<AttributeOverride> overrides) {

    public LayerContext {
        overrides = List.copyOf(overrides);
    }

    public LayerContext(EnvironmentSpec spec, AwsClients aws, ResourceIndex index) {
        this(spec, aws, index, List.of());
    }

    public String environment() {
        return spec.environment();
    }

    public Map<String, String> tags(String logicalId, String name) {
        return Tags.identity(spec.environment(), logicalId, name);
    }

    /** Resolves a {@code ref:<logical-id>} to its physical id; other values pass through. */
    public String resolve(Object value) {
        if (value == null) return null;
        String s = value.toString();
        return s.startsWith(DesiredResource.REF) ? index.require(s.substring(DesiredResource.REF.length())) : s;
    }
}
