package com.qualisys.controlplane.events;

/** Renders untrusted values for error messages and notifications: quoted, shortened, no control characters. */
public final class Values {
    static final int SHOWN = 60;

    private Values() {}

    /** {@code "abc"}; long values are cut with their length noted; control characters are escaped. */
    public static String quote(String raw) {
        if (raw == null) return null;
        return "\"" + printable(raw, SHOWN) + "\"";
    }

    /** At most max characters, control characters escaped as \\uXXXX, the cut noted. */
    public static String printable(String raw, int max) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(raw.length(), max);
        for (int i = 0; i < shown; i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (raw.length() > max) sb.append("…(").append(raw.length()).append(" chars)");
        return sb.toString();
    }
}
