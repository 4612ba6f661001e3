package com.qualisys.controlplane.emulator;

import com.qualisys.controlplane.aws.AwsClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The local AWS emulator (tests and the demo): moto's server, installed from PyPI into .cache/venv (pinned in
 * requirements-test.txt) the first time it is needed, started once per JVM on a free loopback
 * port. If it cannot be installed or started, this throws: tests fail, they never skip.
 */
public final class MotoServer {
    public static final String REGION = "us-east-1";
    private static MotoServer shared;

    private final Process process;
    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MotoServer(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static synchronized MotoServer shared() {
        if (shared == null) {
            shared = start();
            MotoServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> s.process.destroy()));
        }
        return shared;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Fresh clients against the emulator, with fixed test credentials and extra interceptors. */
    public AwsClients clients(ExecutionInterceptor... interceptors) {
        AwsClients.Builder b = AwsClients.builder().region(REGION).endpoint(endpoint)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        for (ExecutionInterceptor i : interceptors) b.interceptor(i);
        return b.build();
    }

    /** Forgets every resource: each test class starts from an empty account. */
    public void reset() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("moto reset answered " + r.statusCode());
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Path of the moto_server executable, installing moto into .cache/venv when missing. */
    public static Path ensureInstalled() {
        Path cache = RepoPaths.cache();
        Path venv = cache.resolve("venv");
        Path server = venv.resolve("bin/moto_server");
        Path requirements = RepoPaths.root().resolve("requirements-test.txt");
        Path stamp = venv.resolve(".requirements");
        try {
            Files.createDirectories(cache);
            try (FileChannel ch = FileChannel.open(cache.resolve("venv.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                String wanted = Files.readString(requirements);
                if (Files.isExecutable(server) && Files.exists(stamp) && Files.readString(stamp).equals(wanted)) return server;
                run(List.of("python3", "-m", "venv", venv.toString()), cache);
                run(List.of(venv.resolve("bin/pip").toString(), "install", "--quiet", "--disable-pip-version-check",
                        "-r", requirements.toString()), cache);
                if (!Files.isExecutable(server)) throw new IllegalStateException("pip install finished but " + server + " is missing");
                Files.writeString(stamp, wanted);
                return server;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot install moto into " + venv + ": " + e.getMessage(), e);
        }
    }

    private static MotoServer start() {
        Path server = ensureInstalled();
        int port = freePort();
        String endpoint = "http://127.0.0.1:" + port;
        try {
            Path log = Files.createTempFile("moto-server", ".log");
            ProcessBuilder pb = new ProcessBuilder(server.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // AWS managed policies (AmazonEKSWorkerNodePolicy, ...) exist only when moto loads them.
            pb.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
            Process p = pb.start();
            MotoServer moto = new MotoServer(p, endpoint);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("moto_server exited with " + p.exitValue() + ":\n" + tail(log));
                }
                try {
                    HttpResponse<String> r = moto.http.send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/data.json"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return moto;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            p.destroyForcibly();
            throw new IllegalStateException("moto_server did not answer on " + endpoint + " within 60 s:\n" + tail(log));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command, Path dir) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
