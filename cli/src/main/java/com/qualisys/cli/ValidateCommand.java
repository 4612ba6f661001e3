package com.qualisys.cli;

import com.qualisys.controlplane.spec.SpecException;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true, description = {
        "Checks environment specs without calling AWS.",
        "Exit code: 0 every spec is valid, 1 a spec is invalid, or the specs folder is missing or holds no environment."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, description = "Environment to check. Default: all.")
    String environment;

    @Option(names = "--specs", description = "Folder of environment specs. Default: QUALISYS_ENVIRONMENTS_DIR, else ./environments.")
    java.nio.file.Path specs;

    @Override
    public Integer call() {
        SpecLoader loader = EnvironmentOptions.loader(specs);
        loader.checkNotEmpty();
        List<String> envs = environment == null ? loader.environmentNames() : List.of(environment);
        int failed = 0;
        for (String env : envs) {
            try {
                loader.load(env);
                command.commandLine().getOut().println(env + ": valid");
            } catch (SpecException e) {
                failed++;
                command.commandLine().getErr().println(env + ": invalid\n  " + e.getMessage().replace("\n", "\n  "));
            }
        }
        return failed == 0 ? QualisysCli.OK : QualisysCli.ERROR;
    }
}
