package com.qualisys.cli;

import com.qualisys.cli.local.AwsTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

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
    private static final ThreadLocal<Boolean> DEBUG = ThreadLocal.withInitial(() -> false);

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an error, also print the stack trace (errors are otherwise one line).")
    void debug(boolean on) {
        DEBUG.set(on);
    }

    /** Whether this command runs with --debug. */
    static boolean debug() {
        return DEBUG.get();
    }

    public static void main(String[] args) {
        // Before any logger exists: CLI logs go to stderr so stdout stays parseable.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-cli.xml");
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        DEBUG.set(false);
        AwsTarget.forget();
        CommandLine cli = new CommandLine(new QualisysCli());
        cli.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("error: " + Errors.describe(ex));
            if (debug()) ex.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return ERROR;
        });
        cli.setExitCodeExceptionMapper(ex -> ERROR);
        return cli;
    }
}
