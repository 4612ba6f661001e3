package com.qualisys.controlplane.events;

/**
 * A rendered notification: an SNS-safe subject (printable ASCII, one line, at most 100 characters)
 * and a plain-text body. Build it with {@link #of}, which enforces the subject rules.
 */
public record Notification(String subject, String body) {
    public static final int MAX_SUBJECT = 100;

    public Notification {
        if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT || !subject.matches("[\\x20-\\x7e]+")) {
            throw new IllegalArgumentException("an SNS subject must be 1-100 printable ASCII characters");
        }
        if (body == null || body.isEmpty()) throw new IllegalArgumentException("a notification needs a body");
    }

    /** Makes any text a valid SNS subject: non-ASCII and line breaks replaced, cut at 100 characters. */
    public static Notification of(String subject, String body) {
        String s = subject == null ? "" : subject.replaceAll("[^\\x20-\\x7e]", " ").replaceAll(" {2,}", " ").strip();
        if (s.isEmpty()) s = "QUALISYS control plane";
        if (s.length() > MAX_SUBJECT) s = s.substring(0, MAX_SUBJECT - 3) + "...";
        return new Notification(s, body);
    }
}
