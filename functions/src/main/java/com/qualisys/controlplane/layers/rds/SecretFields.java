package com.qualisys.controlplane.layers.rds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON inside the database secrets, and its masked view for plans and drift reports: the
 * password and the connection URI (which contains it) are shown only as "(secret)". Pure.
 */
final class SecretFields {
    static final String PASSWORD = "password";
    static final String CONNECTION_URI = "connection_uri";
    private static final ObjectMapper JSON = Json.mapper();

    private SecretFields() {}

    static ObjectNode parse(String secretString) {
        try {
            JsonNode node = JSON.readTree(secretString == null ? "{}" : secretString);
            return node instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (IOException notJson) {
            // Never echo the text: it may be a secret.
            return JSON.createObjectNode();
        }
    }

    static String write(ObjectNode fields) {
        return fields.toString();
    }

    static ObjectNode empty() {
        return JSON.createObjectNode();
    }

    /**
     * The fields as plan and drift compare them. hostRef turns the live host into the instance's
     * ref when it is that instance's endpoint. Values that may hold a secret are masked.
     */
    static Map<String, Object> masked(ObjectNode fields, java.util.function.UnaryOperator<String> hostRef) {
        Map<String, Object> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals(CONNECTION_URI)) {
                out.put(key, v.asText().equals(connectionUri(fields)) ? RdsResources.SECRET
                        : RdsResources.SECRET + " (does not match the other fields or lacks sslmode=require)");
            } else if (key.toLowerCase(java.util.Locale.ROOT).contains(PASSWORD)) {
                out.put(key, v.asText().isEmpty() ? "" : RdsResources.SECRET);
            } else if (key.equals("host")) {
                out.put(key, hostRef.apply(v.asText()));
            } else {
                out.put(key, v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        return out;
    }

    /** postgresql://user:password@host:port/dbname?sslmode=require, from the other fields. */
    static String connectionUri(ObjectNode f) {
        return "postgresql://" + enc(f.path("username").asText()) + ":" + enc(f.path(PASSWORD).asText()) + "@"
                + f.path("host").asText() + ":" + f.path("port").asText() + "/" + enc(f.path("dbname").asText())
                + "?sslmode=require";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
