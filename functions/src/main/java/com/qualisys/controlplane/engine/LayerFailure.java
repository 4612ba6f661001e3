package com.qualisys.controlplane.engine;

import java.util.regex.Pattern;

/**
 * A layer a plan, drift check or apply could not handle, and why in one line: reported as
 * "not checked: reason" beside the layers that were handled, never instead of them.
 */
public record LayerFailure(String layer, String reason) {
    /** Fully qualified exception names (java.net.ConnectException: ...) that a person should never read. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

    public static LayerFailure of(String layer, Throwable failure) {
        return new LayerFailure(layer, reason(failure));
    }

    /**
     * One line for a failure: its message and, when the root cause says something else (the refused
     * connection behind "list Namespace failed"), the root cause's message; no class names.
     */
    public static String reason(Throwable failure) {
        String top = oneLine(failure.getMessage());
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String rootMessage = root == failure ? "" : oneLine(root.getMessage());
        if (top.isEmpty()) return rootMessage.isEmpty() ? "unexpected failure (run with --debug for details)" : rootMessage;
        return rootMessage.isEmpty() || top.contains(rootMessage) ? top : top + ": " + rootMessage;
    }

    /** The first line of a message, without Java class names. */
    public static String oneLine(String message) {
        if (message == null) return "";
        String first = message.strip();
        int nl = first.indexOf('\n');
        if (nl >= 0) first = first.substring(0, nl).strip();
        return CLASS_NAME.matcher(first).replaceAll("").strip();
    }
}
