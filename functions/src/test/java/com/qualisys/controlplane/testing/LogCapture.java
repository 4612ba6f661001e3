package com.qualisys.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of the test JVM: SLF4J/Log4j 2 (the functions, the AWS SDK, the
 * embedded server's output) at DEBUG and above, and java.util.logging (pgjdbc) at every level.
 * Tests {@link #watch} each secret they create or read; {@link #assertNoSecretLeaked} then checks
 * that none of them, and no URI with a password, appears in any captured line.
 */
public final class LogCapture {
    private static final Pattern URI_WITH_PASSWORD = Pattern.compile("postgres(?:ql)?://[^\\s/:@]+:[^\\s/@]+@");
    private static final List<String> LINES = new CopyOnWriteArrayList<>();
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final List<Path> FILES = new CopyOnWriteArrayList<>();
    private static boolean installed;
    /** Held strongly: JUL keeps loggers only weakly, and a collected logger forgets its level and handler. */
    private static java.util.logging.Logger pgjdbcLogger;

    private LogCapture() {}

    public static synchronized void install() {
        if (installed) return;
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        AbstractAppender appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getLevel()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) line.append(" | ").append(t);
                LINES.add(line.toString());
            }
        };
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, org.apache.logging.log4j.Level.DEBUG, null);
        // Named loggers of log4j2.xml (com.qualisys at INFO, not additive) would drop DEBUG lines
        // before they reach the root: open them to DEBUG and capture there too.
        for (var logger : config.getLoggers().values()) {
            if (logger == config.getRootLogger()) continue;
            if (logger.getLevel().isMoreSpecificThan(org.apache.logging.log4j.Level.INFO)) logger.setLevel(org.apache.logging.log4j.Level.DEBUG);
            if (!logger.isAdditive()) logger.addAppender(appender, org.apache.logging.log4j.Level.DEBUG, null);
        }
        ctx.updateLoggers();

        java.util.logging.Logger pgjdbc = java.util.logging.Logger.getLogger("org.postgresql");
        pgjdbcLogger = pgjdbc;
        pgjdbc.setLevel(Level.ALL);
        pgjdbc.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String message = r.getMessage();
                if (r.getParameters() != null) {
                    try {
                        message = java.text.MessageFormat.format(message, r.getParameters());
                    } catch (IllegalArgumentException notAPattern) {
                        message = message + " " + java.util.Arrays.toString(r.getParameters());
                    }
                }
                StringBuilder line = new StringBuilder(r.getLoggerName()).append(' ').append(r.getLevel()).append(' ').append(message);
                for (Throwable t = r.getThrown(); t != null; t = t.getCause()) line.append(" | ").append(t);
                LINES.add(line.toString());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        installed = true;
    }

    /** A value that must never be logged. */
    public static void watch(String secret) {
        if (secret != null && secret.length() >= 8) SECRETS.add(secret);
    }

    /** A log file written by another process (the PostgreSQL server), read whenever lines() is. */
    public static void addFile(Path file) {
        FILES.add(file);
    }

    /** For the capture's own test: forgets a planted secret and the lines it planted. */
    static void discard(String planted) {
        SECRETS.remove(planted);
        LINES.removeIf(l -> l.contains(planted));
    }

    public static List<String> lines() {
        List<String> all = new ArrayList<>(LINES);
        for (Path f : FILES) {
            try {
                for (String l : Files.readAllLines(f)) all.add(f.getFileName() + " " + l);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    public static int watchedSecrets() {
        return SECRETS.size();
    }

    /** Lines holding a watched secret or a URI with credentials, with the secret masked. */
    public static List<String> leaks(List<String> lines) {
        List<String> leaks = new ArrayList<>();
        for (String line : lines) {
            boolean leak = URI_WITH_PASSWORD.matcher(line).find();
            String masked = line;
            for (String s : SECRETS) {
                if (line.contains(s)) {
                    leak = true;
                    masked = masked.replace(s, "<SECRET " + s.substring(0, 2) + "...>");
                }
            }
            if (leak) leaks.add(masked);
        }
        return leaks;
    }

    public static void assertNoSecretLeaked() {
        List<String> leaks = leaks(lines());
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " captured log line(s) contain a secret:\n" + String.join("\n", leaks.subList(0, Math.min(10, leaks.size()))));
        }
    }

    /** The message of t and of its causes must not hold a watched secret either. */
    public static void assertNoSecretIn(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) messages.add(c.toString());
        List<String> leaks = leaks(messages);
        if (!leaks.isEmpty()) throw new AssertionError("an exception message contains a secret: " + leaks);
    }
}
