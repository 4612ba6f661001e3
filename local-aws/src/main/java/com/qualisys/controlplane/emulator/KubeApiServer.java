package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real kube-apiserver backed by a real etcd, for tests of code that talks to Kubernetes
 * through the fabric8 client: server-side apply, RBAC, admission (PodSecurity included)
 * and validation all behave as in a cluster, because they are the cluster's own code.
 *
 * <p>One instance per JVM ({@link #shared()}), started on first use and stopped by a
 * shutdown hook. The binaries come from {@code scripts/ensure-kube-apiserver.sh} (run on
 * every start; it returns at once when {@code .cache/bin/} is up to date and builds from
 * the versions pinned in {@code tools/kube-apiserver/go.mod} otherwise).
 *
 * <p>What is <em>not</em> there: no kube-controller-manager, scheduler or kubelet. Pods stay
 * Pending, namespaces that are deleted never finish terminating, and no controller creates
 * a namespace's {@code default} ServiceAccount (the ServiceAccount admission plugin needs it
 * to admit a pod): use {@link #createNamespace(String, Map)}, which does what that controller
 * would. Use a fresh, uniquely named namespace per test since they all share one server.
 *
 * <p>Users: {@link #adminClient()} authenticates with a static token as {@value #ADMIN_USER}
 * in group {@code system:masters}; {@link #clientAs(String, String...)} impersonates any
 * user and groups through that admin identity, so RBAC decides as it would for them. Any other
 * bearer token goes to a token webhook (kube-apiserver's {@code --authentication-token-webhook-config-file})
 * served on loopback by this class, which asks the {@link TokenAuthenticator} set by
 * {@link #authenticateTokensWith(TokenAuthenticator)} (e.g. {@link EksTokenAuthenticator}, as an EKS
 * cluster does); until one is set, every such token is refused.
 *
 * <p>If the binaries cannot be built or the server does not become ready, {@link #shared()}
 * throws with the tail of the process logs: a test that needs Kubernetes fails, never skips.
 *
 * <p>System properties: {@code qualisys.kube.startTimeoutSeconds} (default 120) bounds the
 * wait for etcd and for /readyz; {@code qualisys.kube.buildTimeoutMinutes} (default 45)
 * bounds the first build; {@code qualisys.kube.keepTempDir=true} keeps the data, keys and
 * logs after the JVM exits (their directory is printed at start).
 */
public final class KubeApiServer implements AutoCloseable {

    public static final String ADMIN_USER = "qualisys-test-admin";
    /** Printed by the ensure script on the last line of its stdout. */
    private static final String BIN_DIR_PREFIX = "bin-dir: ";
    private static final String ENSURE_SCRIPT = "scripts/ensure-kube-apiserver.sh";
    private static final int LOG_TAIL_LINES = 40;
    private static final int START_ATTEMPTS = 3;
    private static final String WORK_DIR_PREFIX = "qualisys-kube-";
    /** Holds the pid of the JVM that owns a work directory. */
    private static final String OWNER_FILE = "owner.pid";

    private static KubeApiServer shared;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RuntimeException sharedFailure;

    private final Path workDir;
    private final Supervised etcd;
    private final Supervised apiServer;
    private final String url;
    private final String adminToken;
    private final String caPem;
    private final KubernetesClient adminClient;
    private final List<KubernetesClient> issuedClients = new ArrayList<>();
    private final Duration startupTime;
    private final HttpServer tokenWebhook;
    private volatile TokenAuthenticator tokenAuthenticator = token -> {
        throw new TokenRefused("no token authenticator is configured on this API server");
    };

    /** Decides who a bearer token belongs to, as a cluster's webhook token authenticator does. */
    @FunctionalInterface
    public interface TokenAuthenticator {
        /** The user the token authenticates, or {@link TokenRefused} saying why not (never echoing the token). */
        KubeUser authenticate(String token);
    }

    /** A user as kube-apiserver sees it (TokenReview status.user). */
    public record KubeUser(String username, String uid, List<String> groups, Map<String, List<String>> extra) {}

    /** The token does not authenticate anyone; the message says why (kube-apiserver logs it). */
    public static final class TokenRefused extends RuntimeException {
        public TokenRefused(String why) {
            super(why);
        }
    }

    /**
     * The JVM-wide server, started on first call (building the binaries if needed).
     * A failed start is remembered: later calls throw the same error at once.
     */
    public static KubeApiServer shared() {
        return shared(line -> System.err.println(line));
    }

    /** As {@link #shared()}, telling {@code progress} what the binaries' build (if one is needed) prints. */
    public static synchronized KubeApiServer shared(Consumer<String> progress) {
        if (sharedFailure != null) {
            throw new IllegalStateException("kube-apiserver failed to start earlier in this JVM: "
                    + sharedFailure.getMessage(), sharedFailure);
        }
        if (shared == null) {
            try {
                shared = start(progress);
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "kube-apiserver-shutdown"));
        }
        return shared;
    }

    /**
     * A server of its own (not the JVM-wide one), e.g. one per emulated EKS cluster; {@link #close()} stops it, and so
     * does JVM exit.
     */
    public static KubeApiServer startNew(Consumer<String> progress) {
        KubeApiServer server = start(progress);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "kube-apiserver-shutdown"));
        return server;
    }

    /** Stops etcd and the apiserver and deletes their data (also done at JVM exit). */
    @Override
    public void close() {
        stop();
    }

    /** From now on, bearer tokens other than the admin's are authenticated by this (null: refuse them all). */
    public void authenticateTokensWith(TokenAuthenticator authenticator) {
        this.tokenAuthenticator = authenticator != null ? authenticator : token -> {
            throw new TokenRefused("no token authenticator is configured on this API server");
        };
    }

    /** https://127.0.0.1:port of the server. */
    public String url() {
        return url;
    }

    /** The serving certificate chain (PEM) the clients trust; the server signed it itself. */
    public String caCertificatePem() {
        return caPem;
    }

    /** How long {@link #shared()} took to start etcd and the apiserver (not the build). */
    public Duration startupTime() {
        return startupTime;
    }

    /** Directory with etcd's data, keys, certificates, the token file and both logs. */
    public Path workDir() {
        return workDir;
    }

    /** A client acting as {@value #ADMIN_USER} (group system:masters). Shared: do not close it. */
    public KubernetesClient adminClient() {
        return adminClient;
    }

    /**
     * A new client that impersonates {@code user} in {@code groups} (the server adds
     * system:authenticated). Authorization is the impersonated user's: RBAC decides.
     * Closing it is optional; any left open are closed at JVM exit.
     */
    public synchronized KubernetesClient clientAs(String user, String... groups) {
        Config config = baseConfig();
        config.setImpersonateUsername(user);
        config.setImpersonateGroups(groups);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        issuedClients.add(client);
        return client;
    }

    /**
     * Creates a namespace with the given labels and its {@code default} ServiceAccount,
     * which kube-controller-manager would create in a real cluster.
     */
    public void createNamespace(String name, Map<String, String> labels) {
        adminClient.namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build()).create();
        adminClient.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata()
                .build()).create();
    }

    // ---------------------------------------------------------------- start

    private static KubeApiServer start(Consumer<String> progress) {
        Path binDir = ensureBinaries(progress);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return new KubeApiServer(binDir);
            } catch (PortTakenException e) {
                // A free port found by bind-and-close can be taken before the server binds it.
                last = e;
                log("a port was taken before the server could bind it (attempt " + attempt + "), retrying");
            }
        }
        throw last;
    }

    private KubeApiServer(Path binDir) {
        long started = System.nanoTime();
        Duration timeout = Duration.ofSeconds(Long.getLong("qualisys.kube.startTimeoutSeconds", 120));
        removeStaleWorkDirs();
        try {
            workDir = Files.createTempDirectory(WORK_DIR_PREFIX);
            Files.writeString(workDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("working directory " + workDir);
        tokenWebhook = startTokenWebhook();
        Supervised etcdProcess = null;
        Supervised apiProcess = null;
        try {
            int etcdClientPort = freePort();
            int etcdPeerPort = freePort();
            int apiPort = freePort();
            String etcdUrl = "http://127.0.0.1:" + etcdClientPort;
            String peerUrl = "http://127.0.0.1:" + etcdPeerPort;

            etcdProcess = Supervised.launch("etcd", workDir, List.of(
                    binDir.resolve("etcd").toString(),
                    "--name=qualisys-test",
                    "--data-dir=" + workDir.resolve("etcd-data"),
                    "--listen-client-urls=" + etcdUrl,
                    "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=" + peerUrl,
                    "--initial-advertise-peer-urls=" + peerUrl,
                    "--initial-cluster=qualisys-test=" + peerUrl,
                    "--initial-cluster-state=new",
                    // Throwaway data: skipping fsync makes every write (and so the tests) faster.
                    "--unsafe-no-fsync=true",
                    "--log-level=warn"));
            etcd = etcdProcess;
            waitUntil("etcd", etcdProcess, timeout, started,
                    () -> httpGet(plainHttp(), etcdUrl + "/health", null).contains("\"health\":\"true\""));

            String token = randomHex(32);
            Path tokens = writePrivate("tokens.csv",
                    token + "," + ADMIN_USER + ",uid-" + ADMIN_USER + ",\"system:masters\"\n");
            KeyPair serviceAccountKeys = rsaKeyPair();
            Path saKey = writePrivate("service-account.key",
                    pem("PRIVATE KEY", serviceAccountKeys.getPrivate().getEncoded()));
            Path saPub = writePrivate("service-account.pub",
                    pem("PUBLIC KEY", serviceAccountKeys.getPublic().getEncoded()));
            Path certDir = workDir.resolve("certs");
            Path webhookConfig = writePrivate("token-webhook.kubeconfig", webhookKubeconfig(
                    "http://127.0.0.1:" + tokenWebhook.getAddress().getPort() + "/authenticate"));

            apiProcess = Supervised.launch("kube-apiserver", workDir, List.of(
                    binDir.resolve("kube-apiserver").toString(),
                    "--etcd-servers=" + etcdUrl,
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    "--secure-port=" + apiPort,
                    "--cert-dir=" + certDir,
                    "--token-auth-file=" + tokens,
                    "--authentication-token-webhook-config-file=" + webhookConfig,
                    "--authentication-token-webhook-version=v1",
                    // Every request asks the authenticator: an expired or revoked token is refused at once.
                    "--authentication-token-webhook-cache-ttl=0s",
                    "--authorization-mode=Node,RBAC",
                    // Added to the default plugins (ServiceAccount, PodSecurity, ... are on by
                    // default; naming PodSecurity keeps that explicit). NodeRestriction pairs
                    // with the Node authorizer, as on EKS and kubeadm clusters.
                    "--enable-admission-plugins=NodeRestriction,PodSecurity",
                    // Privileged pods must reach PodSecurity admission, as on EKS, rather than
                    // being refused earlier by the apiserver's own validation.
                    "--allow-privileged=true",
                    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                    "--service-account-key-file=" + saPub,
                    "--service-account-signing-key-file=" + saKey,
                    "--service-cluster-ip-range=10.96.0.0/16",
                    // The endpoint reconciler would publish 127.0.0.1 for the kubernetes
                    // service, which Endpoints validation refuses: there is no cluster network.
                    "--endpoint-reconciler-type=none",
                    "--profiling=false",
                    "--v=1"));
            apiServer = apiProcess;
            url = "https://127.0.0.1:" + apiPort;
            adminToken = token;

            Path servingCert = certDir.resolve("apiserver.crt");
            String[] ca = new String[1];
            HttpClient[] tls = new HttpClient[1];
            waitUntil("kube-apiserver /readyz", apiProcess, timeout, started, () -> {
                if (tls[0] == null) {
                    if (!Files.isRegularFile(servingCert) || Files.size(servingCert) == 0) {
                        return false;
                    }
                    ca[0] = Files.readString(servingCert);
                    tls[0] = trustingHttp(ca[0]);
                }
                return httpGet(tls[0], url + "/readyz", token).strip().equals("ok");
            });
            caPem = ca[0];
            adminClient = new KubernetesClientBuilder().withConfig(baseConfig()).build();
            startupTime = Duration.ofNanos(System.nanoTime() - started);
            log("kube-apiserver ready at " + url + " after " + startupTime.toMillis() + " ms (etcd at " + etcdUrl + ")");
        } catch (RuntimeException | Error e) {
            if (apiProcess != null) {
                apiProcess.stop();
            }
            if (etcdProcess != null) {
                etcdProcess.stop();
            }
            tokenWebhook.stop(0);
            throw e;
        }
    }

    private Config baseConfig() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withOauthToken(adminToken)
                .withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
                .withNamespace("default")
                .withConnectionTimeout(10_000)
                .withRequestTimeout(30_000)
                .build();
    }

    private boolean stopped;

    private synchronized void stop() {
        if (stopped) return;
        stopped = true;
        for (KubernetesClient client : issuedClients) {
            client.close();
        }
        adminClient.close();
        apiServer.stop();
        etcd.stop();
        tokenWebhook.stop(0);
        if (Boolean.getBoolean("qualisys.kube.keepTempDir")) {
            log("kept " + workDir);
        } else {
            deleteRecursively(workDir);
        }
    }

    // ---------------------------------------------------------------- binaries

    /**
     * Runs {@code scripts/ensure-kube-apiserver.sh} (builds kube-apiserver and etcd when {@code .cache/bin} lacks them
     * or their pins changed; returns at once otherwise), handing each line it prints to {@code progress}.
     */
    public static Path ensureBinaries(Consumer<String> progress) {
        Path root = RepoPaths.root();
        Path script = root.resolve(ENSURE_SCRIPT);
        long timeoutMinutes = Long.getLong("qualisys.kube.buildTimeoutMinutes", 45);
        log("running " + script + " (builds kube-apiserver and etcd on first use)");
        Deque<String> tail = new ArrayDeque<>();
        String binDir;
        try {
            Process process = new ProcessBuilder("bash", script.toString())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String[] found = new String[1];
            // The script prints little; echo it so a long first build shows progress.
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        progress.accept(line);
                        synchronized (tail) {
                            remember(tail, line);
                        }
                        if (line.startsWith(BIN_DIR_PREFIX)) {
                            found[0] = line.substring(BIN_DIR_PREFIX.length()).strip();
                        }
                    }
                } catch (IOException ignored) {
                    // The process was killed; its exit status tells the story.
                }
            }, "ensure-kube-apiserver-output");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(ENSURE_SCRIPT + " did not finish within " + timeoutMinutes
                        + " minutes (-Dqualisys.kube.buildTimeoutMinutes)" + formatTail("its output", snapshot(tail)));
            }
            reader.join(10_000);
            binDir = found[0];
            if (process.exitValue() != 0 || binDir == null) {
                throw new IllegalStateException(ENSURE_SCRIPT + " failed (exit " + process.exitValue()
                        + "): cannot build kube-apiserver/etcd; see docs/kube-apiserver-harness.md"
                        + formatTail("its output", snapshot(tail)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
        Path dir = Path.of(binDir);
        for (String binary : List.of("etcd", "kube-apiserver")) {
            if (!Files.isExecutable(dir.resolve(binary))) {
                throw new IllegalStateException(ENSURE_SCRIPT + " succeeded but " + dir.resolve(binary)
                        + " is not executable" + formatTail("its output", snapshot(tail)));
            }
        }
        return dir;
    }

    // ---------------------------------------------------------------- token webhook

    /** kube-apiserver's webhook configuration (a kubeconfig): where to POST TokenReviews. */
    private static String webhookKubeconfig(String url) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: token-webhook
                    cluster:
                      server: %s
                users:
                  - name: kube-apiserver
                    user: {}
                contexts:
                  - name: token-webhook
                    context:
                      cluster: token-webhook
                      user: kube-apiserver
                current-context: token-webhook
                """.formatted(url);
    }

    /** Answers kube-apiserver's TokenReview requests (authentication.k8s.io/v1) with the authenticator's verdict. */
    private HttpServer startTokenWebhook() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/authenticate", exchange -> {
                byte[] answer;
                try (exchange) {
                    JsonNode review = JSON.readTree(exchange.getRequestBody());
                    answer = JSON.writeValueAsBytes(tokenReview(review, review.path("spec").path("token").asText("")));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                } catch (RuntimeException e) {
                    log("token webhook failed: " + e);
                }
            });
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "kube-token-webhook");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the token webhook on loopback", e);
        }
    }

    private ObjectNode tokenReview(JsonNode request, String token) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
        ObjectNode status = review.putObject("status");
        try {
            KubeUser user = tokenAuthenticator.authenticate(token);
            status.put("authenticated", true);
            ObjectNode u = status.putObject("user").put("username", user.username()).put("uid", user.uid());
            user.groups().forEach(u.putArray("groups")::add);
            ObjectNode extra = u.putObject("extra");
            user.extra().forEach((k, v) -> v.forEach(extra.putArray(k)::add));
            if (request.path("spec").has("audiences")) status.set("audiences", request.path("spec").get("audiences"));
        } catch (TokenRefused e) {
            status.put("authenticated", false).put("error", e.getMessage());
        }
        return review;
    }

    // ---------------------------------------------------------------- waiting

    @FunctionalInterface
    private interface Probe {
        boolean ready() throws Exception;
    }

    private static void waitUntil(String what, Supervised process, Duration timeout, long startedNanos, Probe probe) {
        long deadline = startedNanos + timeout.toNanos();
        Exception lastProbeError = null;
        while (true) {
            if (!process.isAlive()) {
                String log = process.logTail();
                if (log.contains("address already in use")) {
                    throw new PortTakenException(process.name + " could not bind its port" + formatTail(process.name + " log", log));
                }
                throw new IllegalStateException(process.name + " exited with code " + process.exitCode()
                        + " before " + what + " was ready" + formatTail(process.name + " log", log));
            }
            try {
                if (probe.ready()) {
                    return;
                }
                lastProbeError = null;
            } catch (Exception e) {
                lastProbeError = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " was not ready within " + timeout.toSeconds()
                        + " s (raise -Dqualisys.kube.startTimeoutSeconds on a slow machine)"
                        + (lastProbeError == null ? "" : "; last probe error: " + lastProbeError)
                        + formatTail(process.name + " log", process.logTail()));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    private static String httpGet(HttpClient client, String uri, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }

    private static HttpClient plainHttp() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static HttpClient trustingHttp(String pemBundle) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        int i = 0;
        for (Certificate cert : factory.generateCertificates(
                new ByteArrayInputStream(pemBundle.getBytes(StandardCharsets.US_ASCII)))) {
            trust.setCertificateEntry("cert-" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
    }

    // ---------------------------------------------------------------- files, keys, ports

    private Path writePrivate(String name, String content) {
        Path file = workDir.resolve(name);
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8 private keys and X.509 SubjectPublicKeyInfo public keys, as Java encodes them. */
    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Deletes the work directories (about 60 MB of etcd data each) that JVMs killed before
     * their shutdown hook ran left behind; their servers were stopped by the wrapper.
     */
    private static void removeStaleWorkDirs() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            dirs.filter(dir -> dir.getFileName().toString().startsWith(WORK_DIR_PREFIX))
                    .filter(dir -> Files.isRegularFile(dir.resolve(OWNER_FILE)))
                    .filter(dir -> {
                        try {
                            long owner = Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).strip());
                            return ProcessHandle.of(owner).map(handle -> !handle.isAlive()).orElse(true);
                        } catch (IOException | NumberFormatException e) {
                            return false;
                        }
                    })
                    .forEach(dir -> {
                        log("removing " + dir + " left by a JVM that was killed");
                        deleteRecursively(dir);
                    });
        } catch (IOException e) {
            log("could not look for stale work directories in " + tmp + ": " + e.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log("could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static void remember(Deque<String> tail, String line) {
        tail.addLast(line);
        if (tail.size() > LOG_TAIL_LINES) {
            tail.removeFirst();
        }
    }

    private static String snapshot(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    private static String formatTail(String what, String text) {
        return "\n--- last lines of " + what + " ---\n" + text + "\n--- end of " + what + " ---";
    }

    private static void log(String message) {
        System.err.println("[KubeApiServer] " + message);
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }

    /**
     * A server process run under a small bash wrapper that holds a pipe from this JVM:
     * when the JVM exits, however it exits (even SIGKILL), the pipe closes and the wrapper
     * stops the server (SIGTERM, then SIGKILL after 10 s), so no etcd or apiserver outlives
     * the test run. Closing the pipe is also how {@link #stop()} asks for a graceful stop.
     */
    private static final class Supervised {
        private static final String WRAPPER = """
                exec 3<&0
                "$@" </dev/null 3<&- &
                child=$!
                {
                  while read -r -u 3 _; do :; done
                  kill -TERM "$child" 2>/dev/null
                  # An apiserver whose etcd went first can hang in its graceful shutdown.
                  for _ in 1 2 3 4 5 6 7 8 9 10; do
                    sleep 1; kill -0 "$child" 2>/dev/null || exit 0
                  done
                  kill -KILL "$child" 2>/dev/null
                } &
                watcher=$!
                trap 'kill -TERM "$child" 2>/dev/null' TERM INT
                while :; do
                  wait "$child"; rc=$?
                  kill -0 "$child" 2>/dev/null || break
                done
                kill "$watcher" 2>/dev/null
                exit $rc
                """;

        final String name;
        private final Process process;
        private final OutputStream lifeline;
        private final Path logFile;

        private Supervised(String name, Process process, Path logFile) {
            this.name = name;
            this.process = process;
            this.lifeline = process.getOutputStream();
            this.logFile = logFile;
        }

        static Supervised launch(String name, Path workDir, List<String> command) {
            Path logFile = workDir.resolve(name + ".log");
            List<String> wrapped = new ArrayList<>(List.of("bash", "-c", WRAPPER, name));
            wrapped.addAll(command);
            try {
                Process process = new ProcessBuilder(wrapped)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
                return new Supervised(name, process, logFile);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        int exitCode() {
            return process.exitValue();
        }

        String logTail() {
            try (Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
                Deque<String> tail = new ArrayDeque<>();
                lines.forEach(line -> remember(tail, line));
                return String.join("\n", tail);
            } catch (IOException | UncheckedIOException e) {
                return "(cannot read " + logFile + ": " + e.getMessage() + ")";
            }
        }

        void stop() {
            try {
                lifeline.close();
            } catch (IOException ignored) {
                // The wrapper is gone already.
            }
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    log(name + " did not stop within 15 s; killing it");
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
