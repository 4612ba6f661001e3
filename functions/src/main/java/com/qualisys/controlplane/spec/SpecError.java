package com.qualisys.controlplane.spec;

/** One reason a spec is rejected: the file, the dotted path inside it, the value and what is wrong. */
public record SpecError(String file, String path, String value, String problem) {
    @Override
    public String toString() {
        String where = path == null || path.isEmpty() ? file : file + ": " + path;
        return value == null ? where + " " + problem : where + " " + value + " " + problem;
    }
}
