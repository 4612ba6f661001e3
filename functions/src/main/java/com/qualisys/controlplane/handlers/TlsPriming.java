package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.aws.HttpClientChoice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * One HTTPS request over loopback, for SnapStart priming: the package's SDK HTTP client ({@link HttpClientChoice}) asks
 * a server that this class runs on a loopback socket for a few bytes. A restored function opens its connections afresh
 * (to AWS's endpoints, to the database), and a JVM's first TLS connection loads and initialises some 550 classes of the
 * JDK's (the handshake, key exchange, certificate path checks, record ciphers, the TLS socket) and the HTTP client's
 * connection path (its request and response handling, the JDK's URL connection and sockets). The client checks the
 * server as it checks AWS's: PKIX against a trusted CA, the host (127.0.0.1) against the leaf's name; TLS 1.3. The key is
 * RSA 2048, as AWS's and RDS's certificates are, made here and dropped after. The one connection never leaves this
 * process and is closed before the snapshot (the server answers {@code Connection: close}); nothing of it stays but the
 * loaded code.
 */
final class TlsPriming {
    private static final String HOST = "127.0.0.1";
    private static final String ALIAS = "priming";
    private static final int TIMEOUT_MS = 10_000;
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private TlsPriming() {}

    /** Runs the exchange; returns the protocol and cipher suite agreed. */
    static String exchange() {
        return exchange(HOST);
    }

    /**
     * The same with the leaf certificate made for {@code leafName} (an IPv4 address or a DNS name): any other name than
     * the loopback address the client connects to fails the client's check.
     */
    static String exchange(String leafName) {
        try {
            // One key pair for the CA and the leaf: a second would only add its generation (half a second with C1).
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair keys = rsa.generateKeyPair();
            X509Certificate ca = certificate("priming CA", keys.getPublic(), "priming CA", keys.getPrivate(), true);
            X509Certificate leaf = certificate(leafName, keys.getPublic(), "priming CA", keys.getPrivate(), false);

            SSLContext server = SSLContext.getInstance("TLS");
            server.init(new KeyManager[] {new OneKey(keys.getPrivate(), new X509Certificate[] {leaf, ca})}, null, null);
            try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                listening.setSoTimeout(TIMEOUT_MS);
                FutureTask<String> answered = new FutureTask<>(() -> answerOne(listening));
                Thread serving = Thread.ofPlatform().daemon().name("priming-https").start(answered);
                try {
                    ask(listening.getLocalPort(), trusting(ca));
                    return answered.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } finally {
                    // Nothing of it runs on into the snapshot: once answered these are no-ops; else the server's side stops.
                    answered.cancel(true);
                    listening.close();
                    serving.join(TIMEOUT_MS);
                }
            }
        } catch (GeneralSecurityException | IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("priming's HTTPS exchange over loopback failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("priming's HTTPS exchange over loopback was interrupted", e);
        }
    }

    /** Trust managers that trust the priming CA and nothing else. */
    private static TrustManagerFactory trusting(X509Certificate ca) throws GeneralSecurityException, IOException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        return trust;
    }

    /** The client's side: a GET over HTTPS through the package's SDK HTTP client, trusting the priming CA; "pong" expected. */
    private static void ask(int port, TrustManagerFactory trust) throws IOException {
        AttributeMap trustingTheCa = AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TLS_TRUST_MANAGERS_PROVIDER, trust::getTrustManagers).build();
        try (SdkHttpClient http = HttpClientChoice.shipped().builder().buildWithDefaults(trustingTheCa)) {
            SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET)
                    .uri(URI.create("https://" + HOST + ":" + port + "/priming")).build();
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(request).build()).call();
            try (var body = response.responseBody().orElseThrow(() -> new IOException("no body in the answer"))) {
                String text = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
                if (response.httpResponse().statusCode() != 200 || !text.equals("pong")) {
                    throw new IOException("answered " + response.httpResponse().statusCode() + " " + text);
                }
            }
        }
    }

    /** The server's side: one connection, its request read to the blank line, "pong" answered and the connection closed. */
    private static String answerOne(SSLServerSocket listening) throws IOException {
        try (SSLSocket connection = (SSLSocket) listening.accept()) {
            connection.setSoTimeout(TIMEOUT_MS);
            InputStream in = connection.getInputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) throw new IOException("the request ended before its blank line");
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = connection.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\npong".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return connection.getSession().getProtocol() + " " + connection.getSession().getCipherSuite();
        }
    }

    /** An X.509 v3 certificate, valid for the hour around now: a CA's (basic constraints) or a leaf's (its name). */
    private static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey signer, boolean ca)
            throws GeneralSecurityException {
        byte[] algorithm = Der.sequence(Der.oid("1.2.840.113549.1.1.11"), Der.of(0x05)); // sha256WithRSAEncryption
        byte[] extension = ca
                ? Der.sequence(Der.oid("2.5.29.19"), Der.of(0x01, (byte) 0xFF), Der.of(0x04, Der.sequence(Der.of(0x01, (byte) 0xFF))))
                : Der.sequence(Der.oid("2.5.29.17"), Der.of(0x04, Der.sequence(alternativeName(subject))));
        Instant now = Instant.now();
        byte[] toBeSigned = Der.sequence(
                Der.of(0xA0, Der.of(0x02, (byte) 2)), // version 3
                Der.of(0x02, (byte) (ca ? 1 : 2)), // serial number
                algorithm,
                name(issuer),
                Der.sequence(utcTime(now.minus(Duration.ofHours(1))), utcTime(now.plus(Duration.ofHours(1)))),
                name(subject),
                key.getEncoded(),
                Der.of(0xA3, Der.sequence(extension)));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(signer);
        signature.update(toBeSigned);
        byte[] signed = signature.sign();
        byte[] bits = new byte[signed.length + 1]; // a BIT STRING: no unused bits, then the signature
        System.arraycopy(signed, 0, bits, 1, signed.length);
        byte[] encoded = Der.sequence(toBeSigned, algorithm, Der.of(0x03, bits));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(encoded));
    }

    /** A subject alternative name: an IPv4 address's four bytes, else a DNS name. */
    private static byte[] alternativeName(String name) {
        if (!name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return Der.of(0x82, name.getBytes(StandardCharsets.US_ASCII));
        String[] parts = name.split("\\.");
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) address[i] = (byte) Integer.parseInt(parts[i]);
        return Der.of(0x87, address);
    }

    private static byte[] name(String commonName) {
        return Der.sequence(Der.of(0x31, Der.sequence(Der.oid("2.5.4.3"), Der.of(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] utcTime(Instant at) {
        return Der.of(0x17, UTC_TIME.format(at).getBytes(StandardCharsets.US_ASCII));
    }

    /** The few DER encodings a certificate needs: a tag, its length, its content. */
    private static final class Der {
        static byte[] of(int tag, byte... content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int length = content.length;
            if (length < 0x80) {
                out.write(length);
            } else {
                byte[] digits = BigInteger.valueOf(length).toByteArray();
                int skip = digits[0] == 0 ? 1 : 0;
                out.write(0x80 | (digits.length - skip));
                out.write(digits, skip, digits.length - skip);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        static byte[] sequence(byte[]... parts) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] part : parts) content.writeBytes(part);
            return of(0x30, content.toByteArray());
        }

        /** An object identifier: the first two arcs in one byte, each later arc in base 128, high bit on all but its last. */
        static byte[] oid(String dotted) {
            String[] arcs = dotted.split("\\.");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
            for (int i = 2; i < arcs.length; i++) {
                long arc = Long.parseLong(arcs[i]);
                int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
                for (int g = groups - 1; g >= 0; g--) out.write((int) ((arc >>> (7 * g)) & 0x7F) | (g > 0 ? 0x80 : 0));
            }
            return of(0x06, out.toByteArray());
        }
    }

    /** The server's one key and chain, for RSA signatures only (the key is RSA). */
    private static final class OneKey extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "RSA".equals(keyType) ? ALIAS : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return "RSA".equals(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
