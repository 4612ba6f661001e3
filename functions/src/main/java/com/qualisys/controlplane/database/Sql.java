package com.qualisys.controlplane.database;

import java.util.regex.Pattern;

/** Quoting for the few values the database code cannot pass as bind parameters (DDL). */
public final class Sql {
    /** Role and schema names this code manages: plain lower-case identifiers, nothing to escape. */
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Sql() {}

    /** A double-quoted identifier; refuses anything but a plain lower-case identifier. */
    public static String identifier(String name) {
        if (name == null || !PLAIN_IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain lower-case SQL identifier: " + name);
        }
        return '"' + name + '"';
    }

    /**
     * A standard SQL string literal (single quotes doubled), for servers with
     * standard_conforming_strings on (the default since PostgreSQL 9.1; {@link DatabaseConnector}
     * checks it). The value is never echoed in the error: it may be a password.
     */
    public static String literal(String value) {
        if (value == null) return "NULL";
        if (value.indexOf('\0') >= 0) throw new IllegalArgumentException("an SQL literal cannot contain a NUL character");
        return "'" + value.replace("'", "''") + "'";
    }
}
