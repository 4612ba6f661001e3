package com.qualisys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qualisys} command. Exit codes: 0 no changes / no drift, 2 changes or drift found, 1 error. */
@Command(name = "qualisys", mixinStandardHelpOptions = true, version = "qualisys 0.1.0",
        description = "Provisions, drift-checks and defends the QUALISYS infrastructure.",
        subcommands = {ValidateCommand.class, PlanCommand.class, ApplyCommand.class, DriftCommand.class, RunCommand.class,
                StartCommand.class, ApproveCommand.class, RejectCommand.class, ReportCommand.class,
                SimulateEventCommand.class, RestoreCommand.class, UnlockCommand.class, EmulatorCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class QualisysCli {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int CHANGES = 2;

    public static void main(String[] args) {
        // Before any logger exists: CLI logs go to stderr so stdout stays parseable.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-cli.xml");
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new QualisysCli());
        cli.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("error: " + Errors.describe(ex));
            return ERROR;
        });
        cli.setExitCodeExceptionMapper(ex -> ERROR);
        return cli;
    }
}
