package com.qualisys.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * Writes an SDK model object (a documented response shape) as the AWS JSON protocol carries it:
 * member names as on the wire (each field's location name), timestamps in epoch seconds. Lets a
 * stub build its answers with the SDK's builders instead of hand-typed JSON.
 */
public final class SdkWire {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SdkWire() {}

    public static ObjectNode json(SdkPojo pojo) {
        ObjectNode node = JSON.createObjectNode();
        for (SdkField<?> f : pojo.sdkFields()) {
            Object v = f.getValueOrDefault(pojo);
            if (v != null) node.set(f.locationName(), value(v));
        }
        return node;
    }

    private static JsonNode value(Object v) {
        if (v instanceof SdkPojo p) return json(p);
        if (v instanceof Instant i) return JSON.getNodeFactory().numberNode(BigDecimal.valueOf(i.toEpochMilli()).movePointLeft(3));
        if (v instanceof List<?> list) {
            ArrayNode a = JSON.createArrayNode();
            list.forEach(item -> a.add(value(item)));
            return a;
        }
        return JSON.valueToTree(v);
    }
}
