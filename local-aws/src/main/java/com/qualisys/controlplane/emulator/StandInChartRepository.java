package com.qualisys.controlplane.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Helm chart repository on 127.0.0.1 (tests and {@code qualisys demo --kubernetes}) holding stand-ins for the seed's charts: same names,
 * several versions, packaged and indexed by the real helm. They are NOT the upstream charts:
 * each renders one Deployment with the labels the upstream charts put on theirs
 * (app.kubernetes.io/managed-by, instance, name, helm.sh/chart) and the ServiceAccount named by
 * its values, so a test can see which version helm chose and what values reached it.
 */
public final class StandInChartRepository implements AutoCloseable {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Values.fullnameOverride | default .Release.Name }}
              labels:
                app.kubernetes.io/name: {{ .Chart.Name }}
                app.kubernetes.io/instance: {{ .Release.Name }}
                app.kubernetes.io/managed-by: {{ .Release.Service }}
                helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
            spec:
              replicas: {{ .Values.replicas | default 1 }}
              selector:
                matchLabels:
                  app.kubernetes.io/instance: {{ .Release.Name }}
              template:
                metadata:
                  labels:
                    app.kubernetes.io/instance: {{ .Release.Name }}
                spec:
                  containers:
                    - name: main
                      image: registry.k8s.io/pause:3.10
                      args: {{ toJson (.Values.defaultArgs | default list) }}
            """;
    private static final String SERVICE_ACCOUNT = """
            {{- $sa := .Values.serviceAccount | default dict }}
            {{- if .Values.rbac }}{{- if .Values.rbac.serviceAccount }}{{- $sa = .Values.rbac.serviceAccount }}{{- end }}{{- end }}
            {{- if $sa.name }}
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: {{ $sa.name }}
              annotations: {{ toJson ($sa.annotations | default dict) }}
            {{- end }}
            """;

    private final HttpServer server;
    private final Path dir;

    /** Charts by name, each with its versions. */
    public StandInChartRepository(Path helm, Path dir, Map<String, List<String>> charts) throws Exception {
        this.dir = dir;
        Path repo = Files.createDirectories(dir.resolve("repo"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = repo.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean found = file.startsWith(repo) && Files.isRegularFile(file);
            byte[] body = found ? Files.readAllBytes(file) : "not found".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(found ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        for (Map.Entry<String, List<String>> chart : charts.entrySet()) {
            Path source = Files.createDirectories(dir.resolve("src").resolve(chart.getKey()).resolve("templates"));
            Files.writeString(source.getParent().resolve("Chart.yaml"),
                    "apiVersion: v2\nname: " + chart.getKey() + "\nversion: 0.0.0\ndescription: stand-in for tests\n");
            Files.writeString(source.resolve("deployment.yaml"), DEPLOYMENT);
            Files.writeString(source.resolve("serviceaccount.yaml"), SERVICE_ACCOUNT);
            for (String version : chart.getValue()) {
                helm(helm, "package", source.getParent().toString(), "--version", version, "--destination", repo.toString());
            }
        }
        helm(helm, "repo", "index", repo.toString(), "--url", url());
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void helm(Path helm, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("HELM_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().put("HELM_CONFIG_HOME", dir.resolve("config").toString());
        pb.environment().put("HELM_DATA_HOME", dir.resolve("data").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("helm " + String.join(" ", args) + ": " + out);
    }

    /** The helm built from tools/helm by scripts/ensure-helm.sh (built on first use; fails the test if it cannot be). */
    public static Path helmBinary() {
        return RepoPaths.ensuredTool("helm");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
