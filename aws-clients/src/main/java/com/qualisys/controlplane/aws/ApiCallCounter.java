package com.qualisys.controlplane.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts API calls by "Service.Operation" as they are sent. A call is read-only when its
 * operation name says so (Describe, List, Get, Lookup, Head, Check); every other call mutates.
 */
public final class ApiCallCounter implements ExecutionInterceptor {
    private static final String[] READ_PREFIXES = {"Describe", "List", "Get", "Lookup", "Head", "Check", "Search"};
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(name(attributes), k -> new AtomicInteger()).incrementAndGet();
    }

    public static String name(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    public static boolean isMutating(String operation) {
        String op = operation.contains(".") ? operation.substring(operation.indexOf('.') + 1) : operation;
        for (String prefix : READ_PREFIXES) if (op.startsWith(prefix)) return false;
        return true;
    }

    public int total() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int mutating() {
        return calls.entrySet().stream().filter(e -> isMutating(e.getKey())).mapToInt(e -> e.getValue().get()).sum();
    }

    /** A sorted copy: operation → count. */
    public Map<String, Integer> byOperation() {
        Map<String, Integer> copy = new TreeMap<>();
        calls.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public Map<String, Integer> mutatingByOperation() {
        Map<String, Integer> copy = byOperation();
        copy.keySet().removeIf(k -> !isMutating(k));
        return copy;
    }

    public void reset() {
        calls.clear();
    }
}
