package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A field whose value is computed when the state runs: a JSONPath payload template
 * ({@link PayloadTemplate}) or a JSONata template ({@link JsonataTemplate}).
 */
interface Template {
    JsonNode evaluate(Scope scope);
}
