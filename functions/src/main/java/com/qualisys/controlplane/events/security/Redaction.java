package com.qualisys.controlplane.events.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A bounded summary of requestParameters for notifications and reports: values of secret-looking keys
 * are replaced by {@value #REDACTED}, policy documents by their size, long strings cut, deep
 * structures elided. The only form in which request content leaves the classifier.
 */
public final class Redaction {
    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret(?!id|arn|name)|token|privatekey|private_key|credential|secretaccesskey"
                    + "|sessionkey|keymaterial|plaintext|ciphertext|authorization|connection_?uri|connectionstring).*");
    private static final Pattern DOCUMENT_KEY = Pattern.compile("(?i).*(policydocument|^policy$|resourcepolicy|document).*");
    private static final int MAX_STRING = 120;
    private static final int MAX_DEPTH = 4;
    private static final int MAX_ITEMS = 10;

    private Redaction() {}

    public static Map<String, Object> summarize(JsonNode requestParameters) {
        Object v = value("", requestParameters, 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
        return m;
    }

    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    private static Object value(String key, JsonNode n, int depth) {
        if (n == null || n.isNull()) return null;
        if (!key.isEmpty() && isSecretKey(key)) return REDACTED;
        if (!key.isEmpty() && DOCUMENT_KEY.matcher(key).matches()) {
            return "<policy document, " + (n.isTextual() ? n.textValue().length() : n.toString().length()) + " chars>";
        }
        if (n.isTextual()) {
            String s = n.textValue();
            return s.length() <= MAX_STRING ? s : s.substring(0, MAX_STRING) + "…(" + s.length() + " chars)";
        }
        if (n.isNumber()) return n.numberValue();
        if (n.isBoolean()) return n.booleanValue();
        if (depth >= MAX_DEPTH) return n.isArray() ? "[…]" : "{…}";
        if (n.isArray()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < Math.min(n.size(), MAX_ITEMS); i++) items.add(value(key, n.get(i), depth + 1));
            if (n.size() > MAX_ITEMS) items.add("…(" + n.size() + " items)");
            return items;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        int count = 0;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (count++ == MAX_ITEMS * 3) {
                m.put("…", "(" + n.size() + " fields)");
                break;
            }
            m.put(com.qualisys.controlplane.events.Values.printable(e.getKey(), 64), value(e.getKey(), e.getValue(), depth + 1));
        }
        return m;
    }
}
