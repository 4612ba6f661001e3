package com.qualisys.controlplane.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sample events under src/test/resources/events/, with ${placeholders} for ids the test creates. */
public final class Samples {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

    private Samples() {}

    public static String text(String path) {
        try (InputStream in = Samples.class.getResourceAsStream("/events/" + path)) {
            if (in == null) throw new IllegalArgumentException("no sample events/" + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample with every ${name} replaced; a placeholder without a value is an error. */
    public static String with(String path, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text(path));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalArgumentException("sample " + path + " needs a value for ${" + m.group(1) + "}");
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
