package com.qualisys.cli;

import com.qualisys.cli.local.AwsTarget;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code qualisys} command. Exit codes: 0 no changes / no drift, 2 changes or drift found, 1 error. */
@Command(name = "qualisys", mixinStandardHelpOptions = true, version = "qualisys 0.1.0",
        description = "Provisions, drift-checks and defends the QUALISYS infrastructure.")
public final class QualisysCli {
    /**
     * The subcommands by the name they are typed as (their {@code @Command} name, which a test holds this to), in
     * the order {@code qualisys --help} lists them.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(ValidateCommand.class, "validate", PlanCommand.class, "plan",
            ApplyCommand.class, "apply", DriftCommand.class, "drift", RunCommand.class, "run", StartCommand.class, "start",
            ApproveCommand.class, "approve", RejectCommand.class, "reject", ReportCommand.class, "report",
            SimulateEventCommand.class, "simulate-event", RestoreCommand.class, "restore", UnlockCommand.class, "unlock",
            EmulatorCommand.class, "emulator", DemoCommand.class, "demo", CommandLine.HelpCommand.class, "help");
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
        return commandLine(SUBCOMMANDS.values());
    }

    /**
     * The command that runs {@code args}: when they name a subcommand, only that one is built, because picocli
     * reflects over every option of every subcommand it is given, a good part of a short command's start-up
     * (docs/benchmarks.md, CliStartupBenchmark); otherwise (no subcommand, {@code help}, an unknown name, which
     * picocli answers with suggestions) all of them.
     */
    public static CommandLine commandLine(String... args) {
        String named = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("help");
        Class<?> one = named.equals("help") ? null : SUBCOMMANDS.get(named);
        return commandLine(one == null ? SUBCOMMANDS.values() : List.of(one));
    }

    private static Map<String, Class<?>> subcommands(Object... classAndName) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < classAndName.length; i += 2) byName.put((String) classAndName[i + 1], (Class<?>) classAndName[i]);
        return java.util.Collections.unmodifiableMap(byName);
    }

    private static CommandLine commandLine(java.util.Collection<Class<?>> subcommands) {
        DEBUG.set(false);
        AwsTarget.forget();
        CommandLine cli = new CommandLine(new QualisysCli());
        subcommands.forEach(cli::addSubcommand);
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
