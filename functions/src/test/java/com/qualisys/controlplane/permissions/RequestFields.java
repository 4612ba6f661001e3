package com.qualisys.controlplane.permissions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/** An SDK request's members by name (case-insensitive: EC2 says VpcId, EKS says clusterName). */
final class RequestFields {
    private final Map<String, Object> values = new LinkedHashMap<>();

    RequestFields(SdkPojo request) {
        for (SdkField<?> f : request.sdkFields()) {
            Object v = f.getValueOrDefault(request);
            if (v != null) values.put(f.memberName().toLowerCase(Locale.ROOT), v);
        }
    }

    String string(String... names) {
        for (String n : names) {
            Object v = values.get(n.toLowerCase(Locale.ROOT));
            if (v instanceof String s && !s.isEmpty()) return s;
        }
        return null;
    }

    List<String> strings(String name) {
        Object v = values.get(name.toLowerCase(Locale.ROOT));
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) for (Object o : l) if (o instanceof String s) out.add(s);
        if (v instanceof String s) out.add(s);
        return out;
    }

    Object raw(String name) {
        return values.get(name.toLowerCase(Locale.ROOT));
    }

    Map<String, Object> all() {
        return values;
    }

    /**
     * The tags a request carries, whatever the service calls them: Tags / TagList / TagsList /
     * ResourceTags (lists of Key/Value or TagKey/TagValue), a tags map (EKS, Logs), and EC2's
     * TagSpecifications.
     */
    Map<String, String> requestTags() {
        Map<String, String> tags = new LinkedHashMap<>();
        values.forEach((name, v) -> {
            if (name.equals("tagspecifications") && v instanceof List<?> specs) {
                for (Object spec : specs) if (spec instanceof SdkPojo p) new RequestFields(p).collectTags(tags);
            } else if (name.contains("tag") && !name.equals("tagkeys")) {
                collect(v, tags);
            }
        });
        return tags;
    }

    private void collectTags(Map<String, String> into) {
        values.forEach((name, v) -> {
            if (name.contains("tag")) collect(v, into);
        });
    }

    private static void collect(Object v, Map<String, String> into) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, val) -> { if (k instanceof String ks && val instanceof String vs) into.put(ks, vs); });
        } else if (v instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof SdkPojo p)) continue;
                RequestFields tag = new RequestFields(p);
                String key = tag.string("Key", "TagKey");
                String value = tag.string("Value", "TagValue");
                if (key != null) into.put(key, value == null ? "" : value);
            }
        }
    }
}
