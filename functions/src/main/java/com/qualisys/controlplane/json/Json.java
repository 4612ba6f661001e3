package com.qualisys.controlplane.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson ObjectMapper of the functions. Building a mapper and its serializer caches is a
 * large part of a cold start's JSON cost, so every class shares this one (and the SnapStart priming
 * warms it, see {@code handlers.Priming}); a different output style is an ObjectWriter derived from it,
 * which shares its caches. It is configured here once and never reconfigured after. Documents with
 * java.time values have the second mapper here, {@link #javaTime()}, made on first use.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter INDENTED = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectWriter SORTED = MAPPER.writer(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The mapper for documents with java.time values, written as ISO-8601 strings (override records, rotation reports).
     * Apart from {@link #mapper()} and made on first use: its module is some 75 classes that most functions never load
     * and their packages do not ship (jackson-datatype-jsr310).
     */
    public static ObjectMapper javaTime() {
        return JavaTime.MAPPER;
    }

    private static final class JavaTime {
        static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
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
