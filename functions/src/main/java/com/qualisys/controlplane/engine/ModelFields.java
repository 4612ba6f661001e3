package com.qualisys.controlplane.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkPojo;

/**
 * The fields of the model a read call returns, from the model's own metadata: an AWS SDK model's
 * {@link SdkModelFields SDK field metadata}, or a Kubernetes (fabric8) model's Jackson properties,
 * the names the API server's JSON uses ("spec.hard", "subjects[].name"). Paths are as
 * {@link SdkModelFields} makes them: nested structures dotted, list elements and map values "[]".
 */
public final class ModelFields {
    private static final String KUBERNETES_MODEL = "io.fabric8.kubernetes.api.model";
    /**
     * Kubernetes model classes that are values, not structures: a quantity ("8Gi"), an int-or-string,
     * and the managed-fields tree (free-form JSON).
     */
    private static final Set<String> KUBERNETES_VALUES = Set.of("Quantity", "IntOrString", "FieldsV1");

    private ModelFields() {}

    public static List<String> of(Class<?> model) {
        if (SdkPojo.class.isAssignableFrom(model)) return SdkModelFields.of(model.asSubclass(SdkPojo.class));
        if (!isKubernetesStructure(model)) throw new IllegalArgumentException(model.getName() + " is neither an SDK nor a Kubernetes model");
        List<String> out = new ArrayList<>();
        collect("", model, out, new HashSet<>(Set.of(model.getName())));
        return out;
    }

    private static void collect(String prefix, Class<?> type, List<String> out, Set<String> open) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                if (property == null) continue;
                String path = prefix + (property.value().isEmpty() ? field.getName() : property.value());
                out.add(path);
                descend(path, field.getGenericType(), out, open);
            }
        }
    }

    private static void descend(String path, Type type, List<String> out, Set<String> open) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) element(path + "[]", args[0], out, open);
            else if (Map.class.isAssignableFrom(raw)) element(path + "[]", args[1], out, open);
        } else if (type instanceof Class<?> c && isKubernetesStructure(c)) {
            if (!open.add(c.getName())) return; // a recursive structure: decided where it first appears
            collect(path + ".", c, out, open);
            open.remove(c.getName());
        }
    }

    private static void element(String path, Type type, List<String> out, Set<String> open) {
        if (type instanceof ParameterizedType || type instanceof Class<?> c && isKubernetesStructure(c)) descend(path, type, out, open);
    }

    private static boolean isKubernetesStructure(Class<?> c) {
        return c.getPackageName().startsWith(KUBERNETES_MODEL) && !KUBERNETES_VALUES.contains(c.getSimpleName()) && !c.isEnum();
    }
}
