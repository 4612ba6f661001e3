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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The local AWS emulator (tests and the demo): moto's server, installed from PyPI into .cache/venv (pinned in
 * requirements-test.txt) the first time it is needed, started once per JVM on a free loopback
 * port. If it cannot be installed or started, this throws: tests fail, they never skip.
 */
public final class MotoServer {
    public static final String REGION = "us-east-1";
    /** moto's header naming the account a request acts in. */
    public static final String ACCOUNT_HEADER = "x-moto-account-id";
    /**
     * moto's reset rebuilds every backend of every account it holds before it drops them all (IAM's 1,582 managed
     * policies for each account: about 0.3 s per account), so after a test that used many fresh accounts a reset
     * takes long; a new moto process on the same port (about 2 s of CPU with the imports of the services used next)
     * leaves the same empty emulator. Above this many accounts used since the last reset, {@link #reset()} restarts.
     */
    static final int RESTART_ABOVE_ACCOUNTS = 8;
    private static MotoServer shared;

    private final Path server;
    private final int port;
    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> accountsSinceReset = ConcurrentHashMap.newKeySet();
    /** The configuration sent to moto's config API, in order: a restarted moto gets it again. */
    private final List<String> configuration = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile int restarts;

    private MotoServer(Path server, int port) {
        this.server = server;
        this.port = port;
        this.endpoint = "http://127.0.0.1:" + port;
    }

    public static synchronized MotoServer shared() {
        if (shared == null) {
            MotoServer s = new MotoServer(ensureInstalled(), freePort());
            s.launch();
            shared = s;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> s.process.destroy()));
        }
        return shared;
    }

    public String endpoint() {
        return endpoint;
    }

    /**
     * Fresh clients against the emulator, with fixed test credentials and extra interceptors. They name moto's
     * default account on every request, the account moto would find for these credentials anyway: without the
     * name, moto searches every account it has seen for the access key and builds each one's IAM in every partition.
     */
    public AwsClients clients(ExecutionInterceptor... interceptors) {
        AwsClients.Builder b = AwsClients.builder().region(REGION).endpoint(endpoint)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .interceptor(inAccount(AwsApiFrontDoor.DEFAULT_ACCOUNT));
        for (ExecutionInterceptor i : interceptors) b.interceptor(i);
        return b.build();
    }

    /** Names {@code account} on every request ({@link #ACCOUNT_HEADER}): moto acts in that account, made on first use. */
    public static ExecutionInterceptor inAccount(String account) {
        return new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader(ACCOUNT_HEADER, account).build();
            }
        };
    }

    /**
     * Forgets every resource: each test class starts from an empty account. moto's reset, or a new moto process on
     * the same endpoint when more than {@link #RESTART_ABOVE_ACCOUNTS} accounts were used since the last one.
     */
    public synchronized void reset() {
        if (accountsSinceReset.size() > RESTART_ABOVE_ACCOUNTS) {
            restart();
        } else {
            post("/moto-api/reset", "");
        }
        accountsSinceReset.clear();
    }

    /** Notes the account each request through a front door acted in: what the next reset would cost. */
    AwsApiFrontDoor.Observer accountCounter() {
        return (request, status, sourceIp, upstream) -> accountsSinceReset.add(request.callerAccount());
    }

    /** How many times {@link #reset()} restarted moto. */
    public int restarts() {
        return restarts;
    }

    /** Sends moto's config API a setting (JSON), kept across restarts as moto keeps it across resets. */
    public synchronized void configure(String json) {
        post("/moto-api/config", json);
        configuration.add(json);
    }

    private void restart() {
        Process old = process;
        old.destroy();
        try {
            if (!old.waitFor(10, TimeUnit.SECONDS)) {
                old.destroyForcibly();
                old.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        launch();
        for (String json : configuration) post("/moto-api/config", json);
        restarts++;
    }

    private void post(String path, String json) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new IllegalStateException("moto " + path + " answered " + r.statusCode() + ": " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException("moto " + path + " failed: " + e.getMessage(), e);
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

    /** Starts moto's server (through moto_launcher.py) on this server's port and waits until it answers. */
    private void launch() {
        try {
            process = start(List.of(server.resolveSibling("python3").toString(), launcher().toString()), port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server: " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code command} (moto's server, or a program taking its arguments) on loopback at {@code port} with the
     * settings every moto here runs with, and waits until it answers. MotoLauncherTest starts a plain moto_server so.
     */
    static Process start(List<String> command, int port) {
        String endpoint = "http://127.0.0.1:" + port;
        try {
            Path log = Files.createTempFile("moto-server", ".log");
            List<String> withAddress = new java.util.ArrayList<>(command);
            withAddress.addAll(List.of("-H", "127.0.0.1", "-p", String.valueOf(port)));
            ProcessBuilder pb = new ProcessBuilder(withAddress).redirectErrorStream(true).redirectOutput(log.toFile());
            // AWS managed policies (AmazonEKSWorkerNodePolicy, ...) exist only when moto loads them.
            pb.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
            // No code here uses EC2 images; moto's ~1,300 default AMIs (each with a volume and a snapshot) would be built
            // for every account and region EC2 is first called in, and again for each at every reset.
            pb.environment().put("MOTO_EC2_LOAD_DEFAULT_AMIS", "false");
            Process p = pb.start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("moto_server exited with " + p.exitValue() + ":\n" + tail(log));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/data.json"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return p;
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

    /** moto_launcher.py (moto's server with its unchanging answers computed once), written out for python to run. */
    private static Path launcher() throws IOException {
        Path script = Files.createTempFile("moto-launcher", ".py");
        script.toFile().deleteOnExit();
        try (var in = MotoServer.class.getResourceAsStream("moto_launcher.py")) {
            if (in == null) throw new IllegalStateException("moto_launcher.py is missing from the local-aws jar");
            Files.write(script, in.readAllBytes());
        }
        return script;
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
