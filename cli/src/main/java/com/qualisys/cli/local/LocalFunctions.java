package com.qualisys.cli.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog's functions, instantiated in-process with a local control plane, and the
 * substitutions that make the state machine files name them exactly as the CDK app would.
 */
public final class LocalFunctions {
    private LocalFunctions() {}

    public static String arn(FunctionCatalog function, String region, String account) {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + function.deployedName();
    }

    public static Map<String, String> substitutions(ControlPlane controlPlane, String region, String account) {
        Map<String, String> subs = new LinkedHashMap<>();
        for (FunctionCatalog f : FunctionCatalog.values()) subs.put(f.arnPlaceholder(), arn(f, region, account));
        ControlPlane.Settings settings = controlPlane.settings();
        subs.put("AlertTopicArn", String.valueOf(settings.alertTopicArn()));
        subs.put("DriftTopicArn", String.valueOf(settings.driftTopicArn()));
        subs.put("ReportBucket", String.valueOf(settings.reportBucket()));
        subs.put("LockTable", String.valueOf(settings.lockTable()));
        subs.put("EventBusName", settings.eventBusName());
        return subs;
    }

    /**
     * The function a Lambda ARN, partial ARN ({@code <account>:function:<name>}) or bare deployed name stands
     * for, with or without a version or alias qualifier ({@code :live}): the hub's functions and those
     * provision invokes in an environment's account alike.
     */
    public static Optional<FunctionCatalog> byArn(String arnOrName) {
        java.util.List<String> parts = java.util.Arrays.asList(arnOrName.split(":"));
        int function = parts.indexOf("function");
        String name = function >= 0 && function + 1 < parts.size() ? parts.get(function + 1) : parts.get(parts.size() - 1);
        for (FunctionCatalog f : FunctionCatalog.values()) if (f.deployedName().equals(name)) return Optional.of(f);
        return Optional.empty();
    }

    /** A handler instance bound to the local control plane; empty when its class is not built yet. */
    @SuppressWarnings("unchecked")
    public static Optional<RequestHandler<Map<String, Object>, Map<String, Object>>> handler(FunctionCatalog function, ControlPlane controlPlane) {
        try {
            Class<?> type = Class.forName(function.handler());
            return Optional.of((RequestHandler<Map<String, Object>, Map<String, Object>>) type
                    .getConstructor(ControlPlane.class).newInstance(controlPlane));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(function.handler() + " needs a public constructor taking a ControlPlane", e);
        }
    }
}
