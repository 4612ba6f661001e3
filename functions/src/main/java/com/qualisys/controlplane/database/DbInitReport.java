package com.qualisys.controlplane.database;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a db-init run did, read from the script's notices ({@code db-init <kind> <outcome>: <subject>}):
 * the changes it made, what it found already right, and the checks it ran. {@link #changed()}
 * is false exactly when the run changed nothing.
 *
 * @param role       app_user: created, updated or unchanged
 * @param password   app_user's password: set or unchanged
 * @param extension  pg_stat_statements: created or unchanged
 * @param changes    every change, in order ("grant granted: USAGE ON SCHEMA public TO app_user")
 * @param unchanged  every item that was already as desired
 * @param checks     checks that passed, the RLS self-test among them
 * @param warnings   checks that did not fail the run but need attention
 */
public record DbInitReport(
        String database,
        boolean changed,
        String role,
        String password,
        String extension,
        List<Item> changes,
        List<Item> unchanged,
        List<String> checks,
        List<String> warnings) {

    public record Item(String kind, String outcome, String subject) {
        @Override
        public String toString() {
            return kind + " " + outcome + ": " + subject;
        }
    }

    private static final Pattern NOTICE = Pattern.compile("(?:[A-Z]+:\\s+)?db-init (\\w+) (\\w+): (.+)", Pattern.DOTALL);

    /** Builds the report from the notices in the order the server sent them, plus checks run from Java. */
    public static DbInitReport fromNotices(String database, List<String> notices, List<String> extraChecks) {
        List<Item> changes = new ArrayList<>();
        List<Item> unchanged = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String role = null;
        String password = null;
        String extension = null;
        for (String notice : notices) {
            Matcher m = NOTICE.matcher(notice.strip());
            if (!m.matches()) continue;
            Item item = new Item(m.group(1), m.group(2), m.group(3));
            switch (item.kind()) {
                case "check" -> (item.outcome().equals("passed") ? checks : warnings).add(item.subject());
                default -> (item.outcome().equals("unchanged") ? unchanged : changes).add(item);
            }
            switch (item.kind()) {
                case "role" -> role = item.outcome();
                case "password" -> password = item.outcome();
                case "extension" -> extension = item.outcome();
                default -> { }
            }
        }
        checks.addAll(extraChecks);
        return new DbInitReport(database, !changes.isEmpty(), role, password, extension,
                List.copyOf(changes), List.copyOf(unchanged), List.copyOf(checks), List.copyOf(warnings));
    }
}
