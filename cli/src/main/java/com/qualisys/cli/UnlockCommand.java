package com.qualisys.cli;

import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.Lease;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "unlock", mixinStandardHelpOptions = true, description = {
        "Breaks the environment's lock when the run holding it is gone (Terraform's force-unlock). It needs the holder's"
                + " lease id, which a refused apply or provision prints, so a lock taken since by another run is never broken"
                + " by mistake. Your AWS identity is recorded on the lock. A run whose lock was broken cannot write any more:"
                + " its next change is refused by its fencing token.",
        "  qualisys unlock --env dev --lease 0f6c2e1a-..."})
final class UnlockCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, required = true, description = "Environment.")
    String environment;

    @Option(names = "--lease", required = true, paramLabel = "ID", description = "The lease id of the holder (printed by the run that was refused).")
    String leaseId;

    @Option(names = "--endpoint-url", description = EnvironmentOptions.ENDPOINT_URL_HELP)
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    java.nio.file.Path specs;

    @Override
    public Integer call() {
        EnvironmentSpec spec = EnvironmentOptions.loader(specs).load(environment);
        PrintWriter out = command.commandLine().getOut();
        try (AwsClients aws = LocalControlPlane.clients(spec, endpointUrl, emulator.emulator)) {
            String by = aws.sts().getCallerIdentity().arn();
            Lease broken = ApplyLock.of(aws, spec.state()).forceUnlock(spec.environment(), leaseId.strip(), by);
            out.println("unlocked " + spec.environment() + ": broke the lease of " + broken.holder() + " (fencing token "
                    + broken.generation() + ", taken " + broken.acquiredAt() + "); recorded as unlocked by " + by);
            out.flush();
        }
        return QualisysCli.OK;
    }
}
