package com.qualisys.controlplane.observability;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The structure rules of CloudWatch's embedded metric format specification, as a checker: what a
 * document must satisfy for CloudWatch Logs to extract its metrics (written from the specification's
 * text: root member {@code _aws} with an integer millisecond {@code Timestamp} and a non-empty
 * {@code CloudWatchMetrics} array of metric directives; each directive a {@code Namespace} string,
 * {@code Dimensions} an array of dimension sets of at most 30 names, each naming a root member whose
 * value is a string, and {@code Metrics} an array of at most 100 metric definitions with a
 * {@code Name}, an optional {@code Unit} from CloudWatch's units and an optional
 * {@code StorageResolution} of 1 or 60, each naming a root member that is a number or an array of at
 * most 100 numbers). Returns the rules a document breaks; none for a valid one.
 */
public final class EmfDocuments {
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
            "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
            "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
            "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");

    private EmfDocuments() {}

    public static List<String> violations(JsonNode doc) {
        List<String> out = new ArrayList<>();
        if (doc == null || !doc.isObject()) return List.of("the document is not a JSON object");
        JsonNode aws = doc.get("_aws");
        if (aws == null || !aws.isObject()) return List.of("no _aws metadata object at the root");
        JsonNode ts = aws.get("Timestamp");
        if (ts == null || !ts.isIntegralNumber() || ts.asLong() <= 0) out.add("_aws.Timestamp is not a positive integer (epoch ms): " + ts);
        JsonNode directives = aws.get("CloudWatchMetrics");
        if (directives == null || !directives.isArray() || directives.isEmpty()) {
            out.add("_aws.CloudWatchMetrics is not a non-empty array");
            return out;
        }
        for (JsonNode d : directives) {
            JsonNode ns = d.get("Namespace");
            if (ns == null || !ns.isTextual() || ns.asText().isEmpty() || ns.asText().length() > 1024) out.add("Namespace invalid: " + ns);
            JsonNode dims = d.get("Dimensions");
            if (dims == null || !dims.isArray()) {
                out.add("Dimensions is not an array of dimension sets");
            } else {
                for (JsonNode set : dims) {
                    if (!set.isArray()) { out.add("a dimension set is not an array: " + set); continue; }
                    if (set.size() > 30) out.add("a dimension set has more than 30 dimensions: " + set.size());
                    for (JsonNode name : set) {
                        JsonNode value = name.isTextual() ? doc.get(name.asText()) : null;
                        if (!name.isTextual()) out.add("a dimension name is not a string: " + name);
                        else if (value == null || !value.isTextual()) out.add("dimension " + name.asText() + " has no string member at the root");
                    }
                }
            }
            JsonNode metrics = d.get("Metrics");
            if (metrics == null || !metrics.isArray()) { out.add("Metrics is not an array"); continue; }
            if (metrics.size() > 100) out.add("more than 100 metric definitions: " + metrics.size());
            for (JsonNode m : metrics) {
                JsonNode name = m.get("Name");
                if (name == null || !name.isTextual() || name.asText().isEmpty()) { out.add("a metric definition without Name: " + m); continue; }
                JsonNode unit = m.get("Unit");
                if (unit != null && (!unit.isTextual() || !UNITS.contains(unit.asText()))) out.add("metric " + name.asText() + ": unknown Unit " + unit);
                JsonNode res = m.get("StorageResolution");
                if (res != null && !(res.isIntegralNumber() && (res.asInt() == 1 || res.asInt() == 60))) {
                    out.add("metric " + name.asText() + ": StorageResolution must be 1 or 60: " + res);
                }
                for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                    String field = it.next();
                    if (!Set.of("Name", "Unit", "StorageResolution").contains(field)) out.add("metric definition member not in the spec: " + field);
                }
                JsonNode value = doc.get(name.asText());
                if (value == null) out.add("metric " + name.asText() + " has no value member at the root");
                else if (value.isArray()) {
                    if (value.size() > 100) out.add("metric " + name.asText() + " has more than 100 values");
                    value.forEach(v -> { if (!v.isNumber()) out.add("metric " + name.asText() + " has a value that is not a number: " + v); });
                } else if (!value.isNumber()) out.add("metric " + name.asText() + " value is not a number: " + value);
            }
        }
        return out;
    }
}
