package com.qualisys.controlplane.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** sql/db-init.sql as packaged into the function jar (functions/pom.xml copies sql/ to /sql). */
public final class DbInitScript {
    public static final String RESOURCE = "/sql/db-init.sql";
    /** The psql variable the script reads the app_user password from (an SQL literal or NULL). */
    public static final String PASSWORD_VARIABLE = "app_user_password";
    /** The role the script manages; the spec's rds.secrets.appUser must name it. */
    public static final String ROLE = "app_user";

    private DbInitScript() {}

    public static String text() {
        try (InputStream in = DbInitScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the classpath (is sql/ packaged?)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
