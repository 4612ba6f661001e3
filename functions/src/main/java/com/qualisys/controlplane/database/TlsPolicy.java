package com.qualisys.controlplane.database;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * How database connections are protected. By default the server is verified ({@code sslmode=verify-full}:
 * encrypted, its certificate chained to the Amazon RDS CA bundle the package carries at
 * {@value #BUNDLED_CA}, and its name the endpoint's). {@value #ROOT_CERT_SETTING} (an environment
 * variable, or a system property of the same name for in-process runs) names another CA file: the
 * local emulator's PostgreSQL certificate in the tests and the demo. {@code sslmode=require}
 * (encrypted, not verified) is only asked for explicitly, in code. Plaintext exists only for a local
 * test server, only on a loopback address, and only when {@value #PLAINTEXT_SETTING}=true is set
 * explicitly; it is logged on every connection.
 */
public record TlsPolicy(Mode mode, Path rootCertificate) {
    public static final String ROOT_CERT_SETTING = "QUALISYS_DB_SSL_ROOT_CERT";
    public static final String PLAINTEXT_SETTING = "QUALISYS_DB_ALLOW_PLAINTEXT_ON_LOOPBACK";
    /** Where the build puts the RDS CA certificates in every package (functions/src/packaging/RdsCaBundle.java). */
    public static final String BUNDLED_CA = "rds-ca/global-bundle.pem";

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
        String root = env.getOrDefault(ROOT_CERT_SETTING, System.getProperty(ROOT_CERT_SETTING, ""));
        return root.isBlank() ? verifyFull(bundledRdsCa()) : verifyFull(Path.of(root));
    }

    /**
     * The RDS CA bundle of this package, as a file (pgjdbc reads sslrootcert from a file): the resource
     * itself when the package is unpacked (Lambda), else a copy.
     */
    static Path bundledRdsCa() {
        java.net.URL resource = TlsPolicy.class.getClassLoader().getResource(BUNDLED_CA);
        if (resource == null) {
            throw new IllegalStateException("this package has no RDS CA bundle (" + BUNDLED_CA + "), so the database server cannot be "
                    + "verified: build after `npm ci` in functions/rds-ca (scripts/prepare-test-env does it), or set "
                    + ROOT_CERT_SETTING + " to the CA file");
        }
        try {
            if (resource.getProtocol().equals("file")) return Path.of(resource.toURI());
            Path copy = Files.createTempFile("rds-ca-", ".pem");
            try (var in = resource.openStream()) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            copy.toFile().deleteOnExit();
            return copy;
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot read the RDS CA bundle " + resource + ": " + e.getMessage(), e);
        }
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
