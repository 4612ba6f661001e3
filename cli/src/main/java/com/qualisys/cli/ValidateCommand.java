package com.qualisys.cli;

import com.qualisys.controlplane.spec.AccountPlacement;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecError;
import com.qualisys.controlplane.spec.SpecException;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    java.nio.file.Path specs;

    @Override
    public Integer call() {
        SpecLoader loader = EnvironmentOptions.loader(specs);
        loader.checkNotEmpty();
        List<String> envs = environment == null ? loader.environmentNames() : List.of(environment);
        int failed = 0;
        Map<String, EnvironmentSpec> valid = new LinkedHashMap<>();
        for (String env : envs) {
            try {
                valid.put(env, loader.load(env));
            } catch (SpecException e) {
                failed++;
                command.commandLine().getErr().println(env + ": invalid\n  " + e.getMessage().replace("\n", "\n  "));
            }
        }
        // Accounts are checked across every environment of the folder, even when one is named.
        List<EnvironmentSpec> all = new ArrayList<>(valid.values());
        for (String other : loader.environmentNames()) {
            if (valid.containsKey(other)) continue;
            try {
                all.add(loader.load(other));
            } catch (SpecException ignored) {
                // reported when that environment is validated itself
            }
        }
        Map<String, List<SpecError>> placement = new LinkedHashMap<>();
        for (SpecError e : AccountPlacement.check(all)) {
            String env = e.file().replaceAll(".*/|\\.yaml$", "");
            placement.computeIfAbsent(env, k -> new ArrayList<>()).add(e);
        }
        for (String env : valid.keySet()) {
            List<SpecError> errors = placement.getOrDefault(env, List.of());
            if (errors.isEmpty()) {
                command.commandLine().getOut().println(env + ": valid");
            } else {
                failed++;
                command.commandLine().getErr().println(env + ": invalid\n  " + new SpecException(errors).getMessage().replace("\n", "\n  "));
            }
        }
        return failed == 0 ? QualisysCli.OK : QualisysCli.ERROR;
    }
}
