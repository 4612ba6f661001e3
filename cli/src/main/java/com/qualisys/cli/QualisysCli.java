package com.qualisys.cli;

import com.qualisys.cli.local.AwsTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import java.util.Arrays;
import java.util.List;

/** The {@code qualisys} command. Exit codes: 0 no changes / no drift, 2 changes or drift found, 1 error. */
@Command(name = "qualisys", mixinStandardHelpOptions = true, version = "qualisys 0.1.0",
        description = "Provisions, drift-checks and defends the QUALISYS infrastructure.")
public final class QualisysCli {
    /** A subcommand as it is typed (its {@code @Command} name, which a test holds this to) and its class. */
    record Subcommand(String name, Class<?> type) {}

    /** The subcommands, in the order {@code qualisys --help} lists them. */
    static final List<Subcommand> SUBCOMMANDS = List.of(new Subcommand("validate", ValidateCommand.class),
            new Subcommand("plan", PlanCommand.class), new Subcommand("apply", ApplyCommand.class),
            new Subcommand("drift", DriftCommand.class), new Subcommand("run", RunCommand.class),
            new Subcommand("start", StartCommand.class), new Subcommand("approve", ApproveCommand.class),
            new Subcommand("reject", RejectCommand.class), new Subcommand("report", ReportCommand.class),
            new Subcommand("simulate-event", SimulateEventCommand.class), new Subcommand("restore", RestoreCommand.class),
            new Subcommand("unlock", UnlockCommand.class), new Subcommand("emulator", EmulatorCommand.class),
            new Subcommand("demo", DemoCommand.class), new Subcommand("help", CommandLine.HelpCommand.class));
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
        return commandLine(args).execute(args);
    }

    /** The whole command, every subcommand in it (help, completion, the conventions tests). */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The command that runs {@code args}: when they name a subcommand, only that one is built, because picocli
     * reflects over every option of every subcommand it is given, a good part of a short command's start-up
     * (docs/benchmarks.md, CliStartupBenchmark); otherwise (no subcommand, {@code help}, an unknown name, which
     * picocli answers with suggestions) all of them.
     */
    public static CommandLine commandLine(String... args) {
        String typed = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        return commandLine(SUBCOMMANDS.stream().filter(s -> s.name().equals(typed))
                .filter(s -> s.type() != CommandLine.HelpCommand.class) // help describes the others: it needs them all
                .map(List::of).findFirst().orElse(SUBCOMMANDS));
    }

    private static CommandLine commandLine(List<Subcommand> subcommands) {
        DEBUG.set(false);
        AwsTarget.forget();
        CommandLine cli = new CommandLine(new QualisysCli());
        subcommands.forEach(s -> cli.addSubcommand(s.name(), s.type()));
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
