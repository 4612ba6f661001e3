package com.qualisys.controlplane.engine;

/** Colours of the terminal rendering: ANSI on a terminal, none elsewhere (files, pipes, NO_COLOR). */
public enum TextStyle {
    PLAIN, ANSI;

    String added(String s) {
        return paint("32", s);
    }

    String removed(String s) {
        return paint("31", s);
    }

    String changed(String s) {
        return paint("33", s);
    }

    String warning(String s) {
        return paint("1;31", s);
    }

    String line(DiffView.Line line) {
        return switch (line.kind()) {
            case ADDED -> added(line.text());
            case REMOVED -> removed(line.text());
            case CHANGED -> changed(line.text());
        };
    }

    private String paint(String code, String s) {
        return this == ANSI ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
