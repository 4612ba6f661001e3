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
    void filterExpressionsAndFunctionsWorkAsInJayway() {
        assertThat(read("$.items[?(@.id == 1)]")).isEqualTo(json("[{\"id\": 1, \"tags\": {\"id\": \"t1\"}}]"));
        assertThat(read("$.items[?(@.id > 1)].id")).isEqualTo(json("[2]"));
        assertThat(read("$.items[?(@.tags)].id")).isEqualTo(json("[1]"));
        assertThat(read("$.a.b.length()").intValue()).isEqualTo(5);
        assertThat(JsonPath.parse("$.items[?(@.id == 1)]").isDefinite()).isFalse();
    }

    @Test
    void aJsonNullIsPresentAndAnIndexPastTheEndIsNot() {
        JsonNode withNull = json("{\"a\": null, \"list\": [null]}");
        assertThat(JsonPath.parse("$.a").read(withNull)).contains(com.fasterxml.jackson.databind.node.NullNode.getInstance());
        assertThat(JsonPath.parse("$.list[0]").read(withNull)).contains(com.fasterxml.jackson.databind.node.NullNode.getInstance());
        assertThat(JsonPath.parse("$.list[1]").read(withNull)).isEmpty();
    }

    @Test
    void variablePathsNameTheirVariable() {
        JsonPath p = JsonPath.parse("$order.items[0]");
        assertThat(p.root()).isEqualTo(JsonPath.Root.VARIABLE);
        assertThat(p.variable()).isEqualTo("order");
        assertThat(p.isReference()).isTrue();
        Variables vars = Variables.root();
        vars.assign(java.util.Map.of("order", json("{\"items\": [\"pen\"]}")));
        assertThat(p.read(Scope.of(doc, null, vars)).orElseThrow().textValue()).isEqualTo("pen");
        assertThatThrownBy(() -> JsonPath.parse("$unset").read(Scope.of(doc, null, Variables.root())))
                .isInstanceOf(StatesError.class).hasMessageContaining("$unset, which has not been assigned");
    }

    @Test
    void invalidSyntaxIsRejectedWithTheReason() {
        assertThatThrownBy(() -> JsonPath.parse("a.b")).hasMessageContaining("must start with '$'");
        assertThatThrownBy(() -> JsonPath.parse("$.")).hasMessageContaining("invalid JSONPath '$.'");
        assertThatThrownBy(() -> JsonPath.parse("$.a[1")).hasMessageContaining("invalid JSONPath '$.a[1'");
        assertThat(JsonPath.parse("$.a[?(@.b > 1)]").isReference()).isFalse();
        assertThat(JsonPath.parse("$['x y'].z[2]").isReference()).isTrue();
    }
}
