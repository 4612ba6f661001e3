package com.qualisys.controlplane.database;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * How database connections are protected. TLS is required by default ({@code sslmode=require}:
 * encrypted; RDS has no certificate in the JDK's trust store). With the RDS CA bundle configured
 * ({@value #ROOT_CERT_SETTING}) the server is also verified ({@code sslmode=verify-full}).
 * Plaintext exists only for a local test server, only on a loopback address, and only when
 * {@value #PLAINTEXT_SETTING}=true is set explicitly; it is logged on every connection.
 */
public record TlsPolicy(Mode mode, Path rootCertificate) {
    public static final String ROOT_CERT_SETTING = "QUALISYS_DB_SSL_ROOT_CERT";
    public static final String PLAINTEXT_SETTING = "QUALISYS_DB_ALLOW_PLAINTEXT_ON_LOOPBACK";

    public enum Mode { REQUIRE, VERIFY_FULL, PLAINTEXT_ON_LOOPBACK_ONLY }

    public static TlsPolicy require() {
        return new TlsPolicy(Mode.REQUIRE, null);
    }

    public static TlsPolicy verifyFull(Path rootCertificate) {
        if (!Files.isRegularFile(rootCertificate)) {
            throw new IllegalArgumentException(ROOT_CERT_SETTING + " " + rootCertificate + " is not a readable file");
        }
        return new TlsPolicy(Mode.VERIFY_FULL, rootCertificate);
    }

    /** For a database on this machine only: see the class comment. */
    public static TlsPolicy plaintextOnLoopbackOnly() {
        return new TlsPolicy(Mode.PLAINTEXT_ON_LOOPBACK_ONLY, null);
    }

    /** From the function's environment variables. */
    public static TlsPolicy fromEnvironment(Map<String, String> env) {
        String plaintext = env.getOrDefault(PLAINTEXT_SETTING, "");
        if (!plaintext.isEmpty() && !plaintext.equals("false")) {
            if (!plaintext.equals("true")) throw new IllegalArgumentException(PLAINTEXT_SETTING + " " + plaintext + " must be true or false");
            return plaintextOnLoopbackOnly();
        }
        String root = env.getOrDefault(ROOT_CERT_SETTING, "");
        return root.isBlank() ? require() : verifyFull(Path.of(root));
    }

    /** The pgjdbc properties for a connection to host; refuses plaintext anywhere but loopback. */
    Properties jdbcProperties(String host) {
        Properties p = new Properties();
        switch (mode) {
            case REQUIRE -> p.setProperty("sslmode", "require");
            case VERIFY_FULL -> {
                p.setProperty("sslmode", "verify-full");
                p.setProperty("sslrootcert", rootCertificate.toString());
            }
            case PLAINTEXT_ON_LOOPBACK_ONLY -> {
                if (!isLoopback(host)) {
                    throw new IllegalStateException(PLAINTEXT_SETTING + "=true allows plaintext only to a loopback address, not to "
                            + host + ": unset it to connect with TLS");
                }
                p.setProperty("sslmode", "disable");
            }
        }
        return p;
    }

    public boolean encrypts() {
        return mode != Mode.PLAINTEXT_ON_LOOPBACK_ONLY;
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
