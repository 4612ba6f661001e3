package com.qualisys.controlplane.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The JSON value of a database secret, in the shape AWS uses for RDS credentials
 * ({@code username, password, engine, host, port, dbname}); the connection secret also carries
 * {@code connection_uri} (the seed README: "includes a full connection_uri for convenience").
 * toString and every error leave the password out.
 */
public record DatabaseSecret(String username, String password, String engine, String host, int port, String dbname) {
    private static final ObjectMapper JSON = Json.mapper();

    public DatabaseSecret {
        if (username == null || username.isBlank()) throw new IllegalArgumentException("username is missing");
        if (password == null || password.isEmpty()) throw new IllegalArgumentException("password is missing");
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is missing");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not a TCP port");
        if (dbname == null || dbname.isBlank()) throw new IllegalArgumentException("dbname is missing");
        if (engine == null || engine.isBlank()) engine = "postgres";
    }

    /** Parses a secret value; errors name the secret and the field, never the value's text. */
    public static DatabaseSecret parse(String secretName, String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("secret " + secretName + " is not valid JSON"); // no cause: it quotes the text
        }
        if (node == null || !node.isObject()) throw new IllegalArgumentException("secret " + secretName + " is not a JSON object");
        try {
            JsonNode port = node.path("port");
            int portNumber = port.isInt() ? port.asInt() : port.isTextual() && port.asText().matches("\\d{1,5}") ? Integer.parseInt(port.asText()) : -1;
            return new DatabaseSecret(text(node, "username"), text(node, "password"), text(node, "engine"),
                    text(node, "host"), portNumber, text(node, "dbname"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret " + secretName + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    public DatabaseSecret withCredentials(String newUsername, String newPassword) {
        return new DatabaseSecret(newUsername, newPassword, engine, host, port, dbname);
    }

    /** The connection URI the application uses: TLS required, credentials URL-encoded. */
    public String connectionUri() {
        return "postgresql://" + encode(username) + ":" + encode(password) + "@" + host + ":" + port + "/" + encode(dbname)
                + "?sslmode=require";
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("username", username);
        o.put("password", password);
        o.put("engine", engine);
        o.put("host", host);
        o.put("port", port);
        o.put("dbname", dbname);
        o.put("connection_uri", connectionUri());
        return o.toString();
    }

    public String endpoint() {
        return host + ":" + port + "/" + dbname;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "DatabaseSecret[" + username + "@" + endpoint() + ", password=****]";
    }
}
