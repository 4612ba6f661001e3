package com.qualisys.controlplane.database;

import java.util.regex.Pattern;

/**
 * An organisation's slug, the name of its schema {@code tenant_<slug>}: ASCII lower-case letters,
 * digits and underscores, starting with a letter, at most {@value #MAX_LENGTH} characters so the
 * schema name fits PostgreSQL's 63-byte identifiers untruncated. Anything else is refused here,
 * before any SQL exists.
 */
public record TenantSlug(String value) {
    public static final int MAX_LENGTH = 56;
    public static final String SCHEMA_PREFIX = "tenant_";
    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]*");

    public TenantSlug {
        if (value == null || value.isEmpty()) throw new InvalidTenantSlugException(value, "is empty");
        if (value.length() > MAX_LENGTH) {
            throw new InvalidTenantSlugException(value, "is " + value.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        if (!VALID.matcher(value).matches()) {
            throw new InvalidTenantSlugException(value,
                    "must be ASCII lower-case letters, digits and '_', starting with a letter");
        }
    }

    public static TenantSlug of(String value) {
        return new TenantSlug(value);
    }

    public String schema() {
        return SCHEMA_PREFIX + value;
    }

    /** Thrown for a slug that can never name a schema; names the slug, escaped so it prints safely. */
    public static final class InvalidTenantSlugException extends IllegalArgumentException {
        public InvalidTenantSlugException(String slug, String reason) {
            super("tenant slug " + printable(slug) + " " + reason);
        }

        private static String printable(String s) {
            if (s == null) return "null";
            StringBuilder b = new StringBuilder("\"");
            s.codePoints().limit(80).forEach(cp -> {
                if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\') b.appendCodePoint(cp);
                else b.append(String.format("\\u%04x", cp));
            });
            if (s.codePointCount(0, s.length()) > 80) b.append("...");
            return b.append('"').toString();
        }
    }
}
