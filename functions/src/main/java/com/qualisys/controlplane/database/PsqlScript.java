package com.qualisys.controlplane.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subset of psql that sql/*.sql files use, so the same file runs by hand ({@code psql -f})
 * and from a function: statements end at a top-level semicolon; quotes, dollar quotes and
 * comments are respected; {@code :name} is replaced by the variable's value verbatim and
 * {@code :'name'} by the value as a quoted literal, both outside quotes and comments only,
 * as psql does. Unlike psql, an unset variable is an error, and the only meta-command accepted
 * is {@code \set ON_ERROR_STOP on} (the runner always stops at the first error).
 */
public final class PsqlScript {
    /** One statement to send, with the line it starts on (for error messages). */
    public record Statement(int line, String sql) {
        @Override
        public String toString() {
            return "statement at line " + line; // the text may hold a substituted secret
        }
    }

    private final String source;
    private final Map<String, String> variables;
    private final List<Statement> statements = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();
    private int pos;
    private int line = 1;
    private int statementLine = -1;

    private PsqlScript(String source, Map<String, String> variables) {
        this.source = source;
        this.variables = variables;
    }

    public static List<Statement> parse(String source, Map<String, String> variables) {
        PsqlScript script = new PsqlScript(source, variables);
        script.run();
        return List.copyOf(script.statements);
    }

    private void run() {
        while (pos < source.length()) {
            char c = source.charAt(pos);
            if (c == '-' && peek(1) == '-') {
                skipLineComment();
            } else if (c == '/' && peek(1) == '*') {
                skipBlockComment();
            } else if (c == '\\' && current.toString().isBlank()) {
                metaCommand();
            } else if (c == ';') {
                pos++;
                endStatement();
            } else if (c == '\'') {
                boolean escapes = pos > 0 && (source.charAt(pos - 1) == 'E' || source.charAt(pos - 1) == 'e')
                        && (pos < 2 || !isIdentifierChar(source.charAt(pos - 2)));
                quoted('\'', escapes);
            } else if (c == '"') {
                quoted('"', false);
            } else if (c == '$' && dollarTagAt(pos) != null) {
                dollarQuoted(dollarTagAt(pos));
            } else if (c == ':' && peek(1) == ':') {
                append("::");
                pos += 2;
            } else if (c == ':' && (peek(1) == '\'' || Character.isLetter(peek(1)) || peek(1) == '_')) {
                variable();
            } else {
                append(String.valueOf(c));
                pos++;
            }
        }
        endStatement();
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < source.length() ? source.charAt(i) : '\0';
    }

    private void append(String text) {
        if (statementLine < 0 && !text.isBlank()) statementLine = line;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') line++;
        current.append(text);
    }

    private void endStatement() {
        String sql = current.toString().strip();
        if (!sql.isEmpty()) statements.add(new Statement(statementLine, sql));
        current.setLength(0);
        statementLine = -1;
    }

    private void skipLineComment() {
        while (pos < source.length() && source.charAt(pos) != '\n') pos++;
    }

    private void skipBlockComment() {
        int depth = 0;
        int start = line;
        do {
            if (pos >= source.length()) throw error(start, "unterminated /* comment");
            if (source.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (source.startsWith("*/", pos)) {
                depth--;
                pos += 2;
            } else {
                if (source.charAt(pos) == '\n') line++;
                pos++;
            }
        } while (depth > 0);
        append(" ");
    }

    private void quoted(char quote, boolean backslashEscapes) {
        int start = pos;
        int startLine = line;
        pos++;
        while (true) {
            if (pos >= source.length()) throw error(startLine, "unterminated " + (quote == '"' ? "quoted identifier" : "string"));
            char c = source.charAt(pos);
            if (backslashEscapes && c == '\\') {
                pos += 2;
            } else if (c == quote && peek(1) == quote) {
                pos += 2;
            } else if (c == quote) {
                pos++;
                break;
            } else {
                pos++;
            }
        }
        append(source.substring(start, pos));
    }

    /** A dollar-quote opening tag ($$ or $tag$) at i, or null ($1 is a parameter, not a tag). */
    private String dollarTagAt(int i) {
        if (i > 0 && isIdentifierChar(source.charAt(i - 1))) return null;
        int j = i + 1;
        if (j < source.length() && Character.isDigit(source.charAt(j))) return null;
        while (j < source.length() && isIdentifierChar(source.charAt(j))) j++;
        return j < source.length() && source.charAt(j) == '$' ? source.substring(i, j + 1) : null;
    }

    private void dollarQuoted(String tag) {
        int startLine = line;
        int end = source.indexOf(tag, pos + tag.length());
        if (end < 0) throw error(startLine, "unterminated dollar-quoted string " + tag);
        append(source.substring(pos, end + tag.length()));
        pos = end + tag.length();
    }

    private void variable() {
        int startLine = line;
        boolean asLiteral = peek(1) == '\'';
        int nameStart = pos + (asLiteral ? 2 : 1);
        int nameEnd = nameStart;
        while (nameEnd < source.length() && isIdentifierChar(source.charAt(nameEnd))) nameEnd++;
        String name = source.substring(nameStart, nameEnd);
        if (asLiteral && (nameEnd >= source.length() || source.charAt(nameEnd) != '\'' || name.isEmpty())) {
            throw error(startLine, "malformed :'variable' reference");
        }
        String value = variables.get(name);
        if (value == null) throw error(startLine, "variable :" + name + " is not set");
        append(asLiteral ? Sql.literal(value) : value);
        pos = nameEnd + (asLiteral ? 1 : 0);
    }

    private void metaCommand() {
        int startLine = line;
        int end = source.indexOf('\n', pos);
        if (end < 0) end = source.length();
        String command = source.substring(pos, end).strip();
        if (!command.matches("\\\\set\\s+ON_ERROR_STOP\\s+(on|1|true)")) {
            throw error(startLine, "unsupported psql meta-command " + command.split("\\s+")[0]
                    + " (only \\set ON_ERROR_STOP on is understood)");
        }
        pos = end;
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }
}
