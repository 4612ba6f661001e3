package com.qualisys.controlplane.engine;

import com.qualisys.controlplane.engine.AttributeDecisions.Decision;
import com.qualisys.controlplane.engine.AttributeDecisions.Read;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks {@link AttributeDecisions} against the models' field metadata ({@link ModelFields}) and renders them. Pure.
 *
 * <p>A field is decided when it has a decision, when a structure or list around it has one (a
 * compared list of rules covers the rules' fields), or when it is a structure whose fields are all
 * decided one by one.
 */
public final class AttributeCoverage {
    private AttributeCoverage() {}

    /** The fields of every read's SDK model that have no decision, as "kind: Model.Field". */
    public static List<String> undecided(AttributeDecisions decisions) {
        List<String> out = new ArrayList<>();
        for (Read read : decisions.reads()) {
            List<String> fields = ModelFields.of(read.model());
            for (String field : fields) {
                if (!decided(field, fields, read.fields())) {
                    out.add(decisions.kind() + ": " + read.model().getSimpleName() + "." + field + " (" + read.call() + ")");
                }
            }
        }
        return out;
    }

    /** Decisions that name no field of their model (a typo, or a field the SDK dropped). */
    public static List<String> unknown(AttributeDecisions decisions) {
        List<String> out = new ArrayList<>();
        for (Read read : decisions.reads()) {
            List<String> fields = ModelFields.of(read.model());
            read.fields().keySet().stream().filter(f -> !fields.contains(f))
                    .forEach(f -> out.add(decisions.kind() + ": " + read.model().getSimpleName() + " has no field " + f));
        }
        return out;
    }

    /** The SDK fields a decision covers, compared and ignored: {compared, ignored}. */
    public static long[] fieldCounts(AttributeDecisions decisions) {
        long[] counts = new long[2];
        for (Read read : decisions.reads()) {
            for (String field : ModelFields.of(read.model())) {
                covering(field, read.fields()).ifPresent(d -> counts[d.compared() ? 0 : 1]++);
            }
        }
        return counts;
    }

    private static boolean decided(String field, List<String> all, Map<String, Decision> decisions) {
        if (covering(field, decisions).isPresent()) return true;
        List<String> children = all.stream().filter(f -> field.equals(parent(f))).toList();
        return !children.isEmpty() && children.stream().allMatch(c -> decided(c, all, decisions));
    }

    /** The decision on the field itself or on the nearest structure or list around it. */
    private static Optional<Decision> covering(String field, Map<String, Decision> decisions) {
        for (String f = field; f != null; f = parent(f)) {
            if (decisions.containsKey(f)) return Optional.of(decisions.get(f));
        }
        return Optional.empty();
    }

    /** "Routes[].NatGatewayId" → "Routes"; "A.B" → "A"; "A" → null. */
    static String parent(String field) {
        int dot = field.lastIndexOf('.');
        if (dot < 0) return null;
        String p = field.substring(0, dot);
        return p.endsWith("[]") ? p.substring(0, p.length() - 2) : p;
    }

    /** docs/attribute-coverage.md: per layer and kind, every decision with its attribute or reason. */
    public static String markdown(Map<String, List<AttributeDecisions>> byLayer, List<String> undecidedLayers) {
        StringBuilder md = new StringBuilder();
        md.append("# Attribute coverage\n\n");
        md.append("Generated from the layers' attribute decisions (`Layer.attributeDecisions()`) by\n");
        md.append("`AttributeCoverageTest`; do not edit by hand. Regenerate with\n");
        md.append("`./mvnw -B -ntp -q -pl functions -am test -Dtest=AttributeCoverageTest -Dsurefire.failIfNoSpecifiedTests=false -Dqualisys.regenerate=true`.\n\n");
        md.append("For each resource kind, every field of the AWS SDK model its read calls return (enumerated from\n");
        md.append("the SDK's own field metadata, `SdkPojo.sdkFields()`, into nested structures and lists) is either\n");
        md.append("**compared** by drift detection, as the named attribute, or **ignored** for the reason given. A\n");
        md.append("decision on a structure or list covers the fields inside it. A field the SDK adds in a new\n");
        md.append("version fails `AttributeCoverageTest` until someone decides it.\n\n");
        md.append("| Layer | Kinds | SDK fields compared | SDK fields ignored | Decisions |\n|---|---|---|---|---|\n");
        byLayer.forEach((layer, kinds) -> {
            long compared = 0, ignored = 0, decisions = 0;
            for (AttributeDecisions k : kinds) {
                long[] c = fieldCounts(k);
                compared += c[0];
                ignored += c[1];
                decisions += k.compared() + k.ignored();
            }
            md.append("| ").append(layer).append(" | ").append(kinds.size()).append(" | ").append(compared).append(" | ")
                    .append(ignored).append(" | ").append(decisions).append(" |\n");
        });
        if (!undecidedLayers.isEmpty()) {
            md.append("\nLayers without decisions yet (their drift compares what their authors chose): ")
                    .append(String.join(", ", undecidedLayers)).append(".\n");
        }
        byLayer.forEach((layer, kinds) -> {
            md.append("\n## ").append(layer).append("\n");
            for (AttributeDecisions k : kinds) {
                md.append("\n### ").append(k.kind()).append("\n");
                for (Read read : k.reads()) {
                    md.append("\n").append(read.call()).append(" → `").append(read.model().getSimpleName()).append("`\n\n");
                    md.append("| Field | Decision | Attribute / reason |\n|---|---|---|\n");
                    read.fields().forEach((field, d) -> md.append("| `").append(field).append("` | ")
                            .append(d.compared() ? "compared" : "ignored").append(" | ")
                            .append(d.compared() ? "`" + d.detail() + "`" : d.detail().replace("|", "\\|")).append(" |\n"));
                }
            }
        });
        return md.toString();
    }

    /** Layers in order, each with its decisions. */
    public static Map<String, List<AttributeDecisions>> byLayer(List<Layer> layers) {
        Map<String, List<AttributeDecisions>> out = new LinkedHashMap<>();
        layers.forEach(l -> {
            if (!l.attributeDecisions().isEmpty()) out.put(l.name(), l.attributeDecisions());
        });
        return out;
    }
}
