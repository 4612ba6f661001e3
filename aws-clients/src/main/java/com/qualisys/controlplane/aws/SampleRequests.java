package com.qualisys.controlplane.aws;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * A request in which every member has a value, made from the request's SDK model: what priming sends through each
 * operation ({@link AwsClients#primeOperations}), so that the operation's whole request path runs (endpoint rules that
 * need a bucket or a resource, marshalling of every member wherever it goes: path, query, headers, body, the signer),
 * where an empty request is refused early. The values mean nothing and nothing is sent. Shapes are walked as
 * {@link SampleResponses} walks them: a shape already open on the path is left out (recursive shapes), and so is any
 * member deeper than {@link SampleResponses#MAX_DEPTH}.
 */
final class SampleRequests {
    /** A valid DNS label, so that endpoint rules take it for a bucket or a resource name. */
    private static final String TEXT = "sample";

    private SampleRequests() {}

    static SdkRequest of(Class<?> requestType) {
        SdkPojo builder = SampleResponses.builderOf(requestType);
        return (SdkRequest) filled(builder, new ArrayDeque<>(List.of(builder.getClass())));
    }

    /** The request with no member set, as an operation called without arguments sends it. */
    static SdkRequest empty(Class<?> requestType) {
        return (SdkRequest) ((SdkBuilder<?, ?>) SampleResponses.builderOf(requestType)).build();
    }

    private static Object filled(SdkPojo builder, Deque<Class<?>> path) {
        for (SdkField<?> field : builder.sdkFields()) {
            Object value = value(field, path);
            if (value != null) field.set(builder, value);
        }
        return ((SdkBuilder<?, ?>) builder).build();
    }

    /** The member's sample value, or null when it has none to give (a recursive or too deep shape, a document). */
    private static Object value(SdkField<?> field, Deque<Class<?>> path) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.STRING) return TEXT;
        if (type == MarshallingType.INTEGER) return 1;
        if (type == MarshallingType.LONG) return 1L;
        if (type == MarshallingType.SHORT) return (short) 1;
        if (type == MarshallingType.BYTE) return (byte) 1;
        if (type == MarshallingType.FLOAT) return 1.5f;
        if (type == MarshallingType.DOUBLE) return 1.5;
        if (type == MarshallingType.BIG_DECIMAL) return BigDecimal.ONE;
        if (type == MarshallingType.BOOLEAN) return true;
        if (type == MarshallingType.INSTANT) return Instant.EPOCH;
        if (type == MarshallingType.SDK_BYTES) return SdkBytes.fromUtf8String(TEXT);
        if (type == MarshallingType.LIST) {
            Object member = value(field.getRequiredTrait(ListTrait.class).memberFieldInfo(), path);
            return member == null ? null : List.of(member);
        }
        if (type == MarshallingType.MAP) {
            Object entry = value(field.getRequiredTrait(MapTrait.class).valueFieldInfo(), path);
            return entry == null ? null : Map.of(TEXT, entry);
        }
        if (type == MarshallingType.SDK_POJO) {
            SdkPojo nested = SampleResponses.nested(field, path);
            if (nested == null) return null;
            path.push(nested.getClass());
            try {
                return filled(nested, path);
            } finally {
                path.pop();
            }
        }
        return null;
    }
}
