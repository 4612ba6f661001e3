package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static com.qualisys.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathTest {
    private final JsonNode doc = json("""
            {"a": {"b": [10, 20, 30, 40, 50]}, "detail-type": "EC2 Instance State-change", "x y": 1,
             "items": [{"id": 1, "tags": {"id": "t1"}}, {"id": 2}], "quote's": true}""");

    private JsonNode read(String path) {
        return JsonPath.parse(path).read(doc).orElse(null);
    }

    @Test
    void definitePathsSelectOneNode() {
        assertThat(read("$")).isEqualTo(doc);
        assertThat(read("$.a.b[0]").intValue()).isEqualTo(10);
        assertThat(read("$.a.b[-1]").intValue()).isEqualTo(50);
        assertThat(read("$['a']['b'][1]").intValue()).isEqualTo(20);
        assertThat(read("$[\"x y\"]").intValue()).isEqualTo(1);
        assertThat(read("$['quote\\'s']").booleanValue()).isTrue();
        assertThat(read("$.detail-type").textValue()).isEqualTo("EC2 Instance State-change");
        assertThat(JsonPath.parse("$.a.b[2]").isDefinite()).isTrue();
    }

    @Test
    void absentNodesOfDefinitePathsAreEmpty() {
        assertThat(read("$.missing")).isNull();
        assertThat(read("$.a.b[9]")).isNull();
        assertThat(read("$.a.b.c")).isNull();
        assertThat(read("$['detail-type'][0]")).isNull();
    }

    @Test
    void indefinitePathsSelectArraysOfMatches() {
        assertThat(read("$.a.b[1:3]")).isEqualTo(json("[20, 30]"));
        assertThat(read("$.a.b[-3:]")).isEqualTo(json("[30, 40, 50]"));
        assertThat(read("$.a.b[::2]")).isEqualTo(json("[10, 30, 50]"));
        assertThat(read("$.a.b[0,4]")).isEqualTo(json("[10, 50]"));
        assertThat(read("$.items[*].id")).isEqualTo(json("[1, 2]"));
        assertThat(read("$.items.*.id")).isEqualTo(json("[1, 2]"));
        assertThat(read("$..id")).isEqualTo(json("[1, \"t1\", 2]"));
        assertThat(read("$.items[*].nothing")).isEqualTo(json("[]"));
        assertThat(JsonPath.parse("$.items[*].id").isDefinite()).isFalse();
    }

    @Test
    void contextPathsAreMarked() {
        JsonPath p = JsonPath.parse("$$.Execution.Input.x");
        assertThat(p.isContextPath()).isTrue();
        assertThat(p.read(json("{\"Execution\": {\"Input\": {\"x\": 7}}}")).orElseThrow().intValue()).isEqualTo(7);
    }

    @Test
    void unsupportedSyntaxIsRejectedByName() {
        assertThatThrownBy(() -> JsonPath.parse("$.items[?(@.id == 1)]"))
                .hasMessageContaining("filter expressions").hasMessageContaining("not supported by the local runner");
        assertThatThrownBy(() -> JsonPath.parse("$.items[(@.length-1)]"))
                .hasMessageContaining("script expressions");
        assertThatThrownBy(() -> JsonPath.parse("$.items.length()"))
                .hasMessageContaining("functions");
        assertThatThrownBy(() -> JsonPath.parse("a.b")).hasMessageContaining("must start with '$'");
        assertThatThrownBy(() -> JsonPath.parse("$.")).hasMessageContaining("expected a member name");
        assertThatThrownBy(() -> JsonPath.parse("$.a[1")).hasMessageContaining("expected ']'");
    }

    @Test
    void writeCreatesMissingObjectsAndNeverChangesTheInput() throws Exception {
        JsonNode input = json("{\"a\": {\"keep\": 1}}");
        JsonNode out = JsonPath.parse("$.a.b.c").write(input, json("42"));
        assertThat(out).isEqualTo(json("{\"a\": {\"keep\": 1, \"b\": {\"c\": 42}}}"));
        assertThat(input).isEqualTo(json("{\"a\": {\"keep\": 1}}"));
        assertThat(JsonPath.parse("$").write(input, json("\"x\""))).isEqualTo(json("\"x\""));
        assertThat(JsonPath.parse("$.a.list[1]").write(json("{\"a\": {\"list\": [0, 0]}}"), json("9")))
                .isEqualTo(json("{\"a\": {\"list\": [0, 9]}}"));
    }

    @Test
    void writeThroughANonObjectFails() {
        assertThatThrownBy(() -> JsonPath.parse("$.a.b").write(json("{\"a\": \"text\"}"), json("1")))
                .isInstanceOf(JsonPath.PathMatchException.class).hasMessageContaining("a string, not an object");
        assertThatThrownBy(() -> JsonPath.parse("$.x").write(json("[1, 2]"), json("1")))
                .isInstanceOf(JsonPath.PathMatchException.class);
        assertThatThrownBy(() -> JsonPath.parse("$.list[5]").write(json("{\"list\": []}"), json("1")))
                .isInstanceOf(JsonPath.PathMatchException.class).hasMessageContaining("outside the array");
    }
}
