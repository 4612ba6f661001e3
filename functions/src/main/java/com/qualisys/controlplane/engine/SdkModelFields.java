package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;

/**
 * The fields of an AWS SDK model class, read from the SDK's own field metadata
 * ({@link SdkPojo#sdkFields()}), recursively into nested structures. A field of a nested structure
 * has a dotted path ("PrivateDnsNameOptionsOnLaunch.HostnameType"); the elements of a list or the
 * values of a map add "[]" ("Routes[].NatGatewayId", "Tags[].Key"). So a field AWS adds in a new
 * SDK version shows up here without anyone listing it.
 */
public final class SdkModelFields {
    private SdkModelFields() {}

    /** Every field path of the model, parents before their children, in the SDK's order. */
    public static List<String> of(Class<? extends SdkPojo> model) {
        List<String> out = new ArrayList<>();
        collect("", pojo(model).sdkFields(), out, new HashSet<>(Set.of(model.getName())));
        return out;
    }

    private static void collect(String prefix, List<SdkField<?>> fields, List<String> out, Set<String> open) {
        for (SdkField<?> field : fields) {
            String path = prefix + field.memberName();
            out.add(path);
            descend(path, field, out, open);
        }
    }

    private static void descend(String path, SdkField<?> field, List<String> out, Set<String> open) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            SdkPojo nested = field.constructor().get();
            String name = nested.getClass().getName();
            if (!open.add(name)) return; // a recursive structure: its fields are decided where it first appears
            collect(path + ".", nested.sdkFields(), out, open);
            open.remove(name);
        } else if (type == MarshallingType.LIST) {
            ListTrait list = field.getTrait(ListTrait.class);
            if (list != null) element(path + "[]", list.memberFieldInfo(), out, open);
        } else if (type == MarshallingType.MAP) {
            MapTrait map = field.getTrait(MapTrait.class);
            if (map != null) element(path + "[]", map.valueFieldInfo(), out, open);
        }
    }

    /** The element of a list or map: its own fields when it is a structure, nothing when it is a plain value. */
    private static void element(String path, SdkField<?> member, List<String> out, Set<String> open) {
        if (member == null) return;
        MarshallingType<?> type = member.marshallingType();
        if (type == MarshallingType.SDK_POJO || type == MarshallingType.LIST || type == MarshallingType.MAP) {
            descend(path, member, out, open);
        }
    }

    private static SdkPojo pojo(Class<? extends SdkPojo> model) {
        try {
            return (SdkPojo) model.getMethod("builder").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(model.getName() + " is not an SDK model with a builder()", e);
        }
    }
}
