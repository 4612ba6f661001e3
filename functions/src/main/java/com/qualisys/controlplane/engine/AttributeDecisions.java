package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What drift detection does with every field AWS returns for one resource kind: each field of the
 * SDK model of each read call (the describe call, and the calls that read the kind's sub-resources:
 * DNS attributes, inline policies, ...) is either compared, as a named attribute of the kind, or
 * ignored with a reason. A decision on a structure or list covers the fields inside it.
 * {@code AttributeCoverageTest} enumerates the model's own field metadata ({@link ModelFields}: the AWS SDK's, or a
 * Kubernetes model's JSON properties)
 * and fails on any field without a decision; {@code docs/attribute-coverage.md} is rendered from
 * these decisions ({@link AttributeCoverage}).
 */
public record AttributeDecisions(String kind, List<Read> reads) {
    public AttributeDecisions {
        reads = List.copyOf(reads);
    }

    /** One read call of the kind and the decisions on the fields of its SDK model. */
    public record Read(String call, Class<?> model, Map<String, Decision> fields) {
        public Read {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** Compared (detail = the kind's attribute) or ignored (detail = why). */
    public record Decision(boolean compared, String detail) {
        public Decision {
            Objects.requireNonNull(detail);
            if (detail.isBlank()) throw new IllegalArgumentException("a decision needs an attribute or a reason");
        }
    }

    public static Builder of(ResourceKind kind) {
        return new Builder(kind.name());
    }

    public static Builder of(String kind) {
        return new Builder(kind);
    }

    public long compared() {
        return reads.stream().flatMap(r -> r.fields().values().stream()).filter(Decision::compared).count();
    }

    public long ignored() {
        return reads.stream().flatMap(r -> r.fields().values().stream()).filter(d -> !d.compared()).count();
    }

    /** A copy without one field's decision (for the test that sees the coverage test fail). */
    public AttributeDecisions without(String field) {
        List<Read> out = new ArrayList<>();
        for (Read r : reads) {
            Map<String, Decision> fields = new LinkedHashMap<>(r.fields());
            fields.remove(field);
            out.add(new Read(r.call(), r.model(), fields));
        }
        return new AttributeDecisions(kind, out);
    }

    public static final class Builder {
        private final String kind;
        private final List<Read> reads = new ArrayList<>();
        private String call;
        private Class<?> model;
        private Map<String, Decision> fields;

        private Builder(String kind) {
            this.kind = kind;
        }

        /** The fields that follow are those of this call's model (an AWS SDK or Kubernetes model class). */
        public Builder read(String call, Class<?> model) {
            flush();
            this.call = call;
            this.model = model;
            this.fields = new LinkedHashMap<>();
            return this;
        }

        public Builder compare(String field, String attribute) {
            return put(field, new Decision(true, attribute));
        }

        public Builder ignore(String reason, String... fields) {
            for (String field : fields) put(field, new Decision(false, reason));
            return this;
        }

        private Builder put(String field, Decision decision) {
            if (fields == null) throw new IllegalStateException("read(call, model) comes first");
            if (fields.put(field, decision) != null) {
                throw new IllegalArgumentException(kind + ": field " + field + " of " + model.getSimpleName() + " is decided twice");
            }
            return this;
        }

        private void flush() {
            if (fields != null) reads.add(new Read(call, model, fields));
            fields = null;
        }

        public AttributeDecisions build() {
            flush();
            return new AttributeDecisions(kind, reads);
        }
    }
}
