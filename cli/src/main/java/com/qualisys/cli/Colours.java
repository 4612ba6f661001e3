package com.qualisys.cli;

import com.qualisys.controlplane.engine.TextStyle;
import java.io.Console;
import java.util.Map;

/** Colours in the terminal rendering: only when stdout is a terminal, and never with NO_COLOR set (no-color.org). */
final class Colours {
    private Colours() {}

    static TextStyle style() {
        return enabled(stdoutIsTerminal(), System.getenv()) ? TextStyle.ANSI : TextStyle.PLAIN;
    }

    static boolean enabled(boolean terminal, Map<String, String> environment) {
        String noColor = environment.get("NO_COLOR");
        boolean dumb = "dumb".equals(environment.get("TERM"));
        return terminal && !dumb && (noColor == null || noColor.isEmpty());
    }

    /**
     * System.console() is null when stdin or stdout is redirected up to Java 21; from Java 22 it may exist
     * anyway and Console.isTerminal() (called reflectively: the code targets 21) tells.
     */
    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException before22) {
            return true;
        }
    }
}
