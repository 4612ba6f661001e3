package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code qualisys} command in-process, as a user would from a terminal, and keeps what it printed. */
record Cli(int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Cli qualisys(String... args) {
        CommandLine cli = QualisysCli.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The execution document printed on stdout: executionId, status, output or error and cause. */
    JsonNode execution() {
        try {
            return JSON.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not the execution JSON:\n" + out + "\nstderr:\n" + err, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
