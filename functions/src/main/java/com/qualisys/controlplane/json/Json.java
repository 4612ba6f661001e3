package com.qualisys.controlplane.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one Jackson ObjectMapper of the functions. Building a mapper and its serializer caches is a
 * large part of a cold start's JSON cost, so every class shares this one (and the SnapStart priming
 * warms it, see {@code handlers.Priming}); a different output style is an ObjectWriter derived from it,
 * which shares its caches. It is configured here once and never reconfigured after.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter INDENTED = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectWriter SORTED = MAPPER.writer(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Pretty-printed output (reports). */
    public static ObjectWriter indented() {
        return INDENTED;
    }

    /** Map entries sorted by key (policy documents, so equal policies serialise equally). */
    public static ObjectWriter sortedKeys() {
        return SORTED;
    }
}
