package com.qualisys.controlplane.handlers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.ByteBuffer;
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
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One TLS handshake between two engines in this JVM, for SnapStart priming. A restored function opens its connections
 * afresh (to AWS's endpoints, to the database), and the first handshake of a JVM loads and initialises some 550 classes
 * of the JDK's (the handshake, key exchange, certificate path checks, record ciphers): in DbInit's first call after
 * priming, a third of what it loaded. Here a client engine checks a server's chain as a client of ours does (PKIX, a
 * leaf signed by a trusted CA, the host name checked against the leaf's name), both sides agree on TLS 1.3 and each
 * sends the other a record. The key is RSA 2048, as AWS's and RDS's certificates are, made here and dropped after;
 * nothing leaves the JVM and nothing of it stays in the snapshot but the loaded code.
 */
final class TlsPriming {
    private static final String HOST = "priming.invalid";
    private static final String ALIAS = "priming";
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private TlsPriming() {}

    /** Runs the handshake and one record each way; returns the protocol and cipher suite agreed. */
    static String handshake() {
        return handshake(HOST);
    }

    /** The same with the leaf certificate made for {@code leafName}: any other name than the client's fails the check. */
    static String handshake(String leafName) {
        try {
            // One key pair for the CA and the leaf: a second would only add its generation (half a second with C1).
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair keys = rsa.generateKeyPair();
            X509Certificate ca = certificate("priming CA", keys.getPublic(), "priming CA", keys.getPrivate(), true);
            X509Certificate leaf = certificate(leafName, keys.getPublic(), "priming CA", keys.getPrivate(), false);

            SSLContext server = SSLContext.getInstance("TLS");
            server.init(new KeyManager[] {new OneKey(keys.getPrivate(), new X509Certificate[] {leaf, ca})}, null, null);
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca);
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trust.getTrustManagers(), null);

            SSLEngine clientEngine = client.createSSLEngine(HOST, 443);
            clientEngine.setUseClientMode(true);
            SSLParameters checks = clientEngine.getSSLParameters();
            checks.setEndpointIdentificationAlgorithm("HTTPS");
            clientEngine.setSSLParameters(checks);
            SSLEngine serverEngine = server.createSSLEngine();
            serverEngine.setUseClientMode(false);
            exchange(clientEngine, serverEngine);
            return clientEngine.getSession().getProtocol() + " " + clientEngine.getSession().getCipherSuite();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("priming's TLS handshake in the JVM failed: " + e.getMessage(), e);
        }
    }

    /** Wraps and unwraps between the two engines until each has the other's first record. */
    private static void exchange(SSLEngine client, SSLEngine server) throws SSLException {
        int packet = client.getSession().getPacketBufferSize();
        int application = client.getSession().getApplicationBufferSize();
        ByteBuffer toServer = ByteBuffer.allocate(packet);
        ByteBuffer toClient = ByteBuffer.allocate(packet);
        ByteBuffer clientOut = ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer serverOut = ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer clientIn = ByteBuffer.allocate(application);
        ByteBuffer serverIn = ByteBuffer.allocate(application);
        for (int round = 0; round < 50; round++) {
            client.wrap(clientOut, toServer);
            runTasks(client);
            server.wrap(serverOut, toClient);
            runTasks(server);
            toServer.flip();
            server.unwrap(toServer, serverIn);
            toServer.compact();
            runTasks(server);
            toClient.flip();
            client.unwrap(toClient, clientIn);
            toClient.compact();
            runTasks(client);
            if (clientIn.position() > 0 && serverIn.position() > 0) return;
        }
        throw new SSLException("no records exchanged after 50 rounds (client " + client.getHandshakeStatus() + ", server "
                + server.getHandshakeStatus() + ")");
    }

    private static void runTasks(SSLEngine engine) {
        if (engine.getHandshakeStatus() != HandshakeStatus.NEED_TASK) return;
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) task.run();
    }

    /** An X.509 v3 certificate, valid for the hour around now: a CA's (basic constraints) or a leaf's (its DNS name). */
    private static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey signer, boolean ca)
            throws GeneralSecurityException {
        byte[] algorithm = Der.sequence(Der.oid("1.2.840.113549.1.1.11"), Der.of(0x05)); // sha256WithRSAEncryption
        byte[] extension = ca
                ? Der.sequence(Der.oid("2.5.29.19"), Der.of(0x01, (byte) 0xFF), Der.of(0x04, Der.sequence(Der.of(0x01, (byte) 0xFF))))
                : Der.sequence(Der.oid("2.5.29.17"), Der.of(0x04, Der.sequence(Der.of(0x82, subject.getBytes(StandardCharsets.US_ASCII)))));
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
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return "RSA".equals(keyType) ? ALIAS : null;
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
