package com.qualisys.controlplane.aws;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;

/**
 * A body in which every member of an operation's response has a value, made from the response's SDK model (its
 * {@link SdkField}s): what {@link PrimingHttpClient} answers so that priming unmarshals each nested shape a real answer
 * has (a described VPC's tags, a role's policies), loading and initialising their classes before the snapshot. The
 * values mean nothing. Payload members only; a shape already open on the path is left out (recursive shapes), and so
 * is any member deeper than {@link #MAX_DEPTH}.
 */
final class SampleResponses {
    /** How deep a sample goes, here and in {@link SampleRequests}. */
    static final int MAX_DEPTH = 6;
    private static final String TIMESTAMP_XML = "2020-01-01T00:00:00Z";
    private static final String EPOCH_SECONDS = "1577836800";

    private SampleResponses() {}

    /** The JSON protocols' body (awsJson, restJson): an object whose members are named by their location names. */
    static String json(Class<?> responseType) {
        SdkPojo root = builderOf(responseType);
        StringBuilder out = new StringBuilder();
        jsonObject(root.sdkFields(), out, new ArrayDeque<>(List.of(root.getClass())));
        return out.toString();
    }

    /**
     * The query protocols' body: {@code <ActionResponse>} holding the members, inside {@code <ActionResult>} where the
     * protocol wraps them (IAM, STS, RDS; EC2 does not).
     */
    static String xml(Class<?> responseType, String action, boolean resultWrapper) {
        SdkPojo root = builderOf(responseType);
        StringBuilder out = new StringBuilder("<").append(action).append("Response>");
        if (resultWrapper) out.append('<').append(action).append("Result>");
        xmlMembers(root.sdkFields(), out, new ArrayDeque<>(List.of(root.getClass())));
        if (resultWrapper) out.append("</").append(action).append("Result>");
        return out.append("</").append(action).append("Response>").toString();
    }

    private static void jsonObject(List<SdkField<?>> fields, StringBuilder out, Deque<Class<?>> path) {
        out.append('{');
        boolean first = true;
        for (SdkField<?> field : fields) {
            if (field.location() != MarshallLocation.PAYLOAD) continue;
            int mark = out.length();
            if (!first) out.append(',');
            out.append('"').append(field.unmarshallLocationName()).append("\":");
            if (jsonValue(field, out, path)) first = false;
            else out.setLength(mark);
        }
        out.append('}');
    }

    /** Appends the member's value; false when it has none to give (a recursive or too deep shape, a document). */
    private static boolean jsonValue(SdkField<?> field, StringBuilder out, Deque<Class<?>> path) {
        MarshallingType<?> type = field.marshallingType();
        String scalar = scalar(type);
        // JSON gives timestamps as epoch seconds, and strings and base64 bytes quoted.
        if (type == MarshallingType.INSTANT) out.append(EPOCH_SECONDS);
        else if (type == MarshallingType.STRING || type == MarshallingType.SDK_BYTES) out.append('"').append(scalar).append('"');
        else if (scalar != null) out.append(scalar);
        else if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            out.append('[');
            if (!jsonValue(member, out, path)) return false;
            out.append(']');
        } else if (type == MarshallingType.MAP) {
            out.append("{\"k\":");
            if (!jsonValue(field.getRequiredTrait(MapTrait.class).valueFieldInfo(), out, path)) return false;
            out.append('}');
        } else if (type == MarshallingType.SDK_POJO) {
            SdkPojo nested = nested(field, path);
            if (nested == null) return false;
            path.push(nested.getClass());
            jsonObject(nested.sdkFields(), out, path);
            path.pop();
        } else {
            return false;
        }
        return true;
    }

    private static void xmlMembers(List<SdkField<?>> fields, StringBuilder out, Deque<Class<?>> path) {
        for (SdkField<?> field : fields) {
            if (field.location() != MarshallLocation.PAYLOAD) continue;
            xmlMember(field, field.unmarshallLocationName(), out, path);
        }
    }

    private static void xmlMember(SdkField<?> field, String name, StringBuilder out, Deque<Class<?>> path) {
        int mark = out.length();
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.LIST) {
            ListTrait list = field.getRequiredTrait(ListTrait.class);
            String member = list.memberLocationName() != null ? list.memberLocationName() : "member";
            if (list.isFlattened()) {
                xmlMember(list.memberFieldInfo(), name, out, path);
                return;
            }
            out.append('<').append(name).append('>');
            int before = out.length();
            xmlMember(list.memberFieldInfo(), member, out, path);
            if (out.length() == before) out.setLength(mark);
            else out.append("</").append(name).append('>');
            return;
        }
        if (type == MarshallingType.MAP) {
            MapTrait map = field.getRequiredTrait(MapTrait.class);
            out.append('<').append(name).append('>');
            if (!map.isFlattened()) out.append("<entry>");
            out.append('<').append(map.keyLocationName()).append(">k</").append(map.keyLocationName()).append('>');
            int before = out.length();
            xmlMember(map.valueFieldInfo(), map.valueLocationName(), out, path);
            if (out.length() == before) {
                out.setLength(mark);
                return;
            }
            if (!map.isFlattened()) out.append("</entry>");
            out.append("</").append(name).append('>');
            return;
        }
        String scalar = scalar(type);
        if (scalar != null) {
            out.append('<').append(name).append('>').append(scalar).append("</").append(name).append('>');
            return;
        }
        if (type == MarshallingType.SDK_POJO) {
            SdkPojo nested = nested(field, path);
            if (nested == null) return;
            path.push(nested.getClass());
            out.append('<').append(name).append('>');
            xmlMembers(nested.sdkFields(), out, path);
            out.append("</").append(name).append('>');
            path.pop();
        }
    }

    /** A scalar member's value as XML writes it; null for lists, maps, structures and documents. */
    private static String scalar(MarshallingType<?> type) {
        if (type == MarshallingType.STRING) return "x";
        if (type == MarshallingType.INTEGER || type == MarshallingType.LONG || type == MarshallingType.SHORT || type == MarshallingType.BYTE) {
            return "1";
        }
        if (type == MarshallingType.FLOAT || type == MarshallingType.DOUBLE || type == MarshallingType.BIG_DECIMAL) return "1.5";
        if (type == MarshallingType.BOOLEAN) return "true";
        if (type == MarshallingType.INSTANT) return TIMESTAMP_XML;
        if (type == MarshallingType.SDK_BYTES) return "AA==";
        return null;
    }

    /**
     * A builder of the member's shape, or null when that shape is open on the path already or the path is deep enough
     * (also how {@link SampleRequests} walks a request's shapes).
     */
    static SdkPojo nested(SdkField<?> field, Deque<Class<?>> path) {
        if (path.size() >= MAX_DEPTH) return null;
        Supplier<SdkPojo> constructor = field.constructor();
        if (constructor == null) return null;
        SdkPojo nested = constructor.get();
        return path.contains(nested.getClass()) ? null : nested;
    }

    /** A new builder of a model class, request or response (its static {@code builder()}). */
    static SdkPojo builderOf(Class<?> modelType) {
        try {
            return (SdkPojo) modelType.getMethod("builder").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(modelType.getName() + " has no builder()", e);
        }
    }
}
