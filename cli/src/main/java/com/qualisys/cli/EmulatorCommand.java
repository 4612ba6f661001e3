package com.qualisys.cli;

import com.qualisys.controlplane.emulator.LocalAws;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

@Command(name = "emulator", mixinStandardHelpOptions = true, description = {
        "Starts the local AWS (moto plus the documented-shape stubs for Budgets and Cost Anomaly Detection) on a"
                + " loopback port and keeps it running until interrupted, for other commands to work against.",
        "  ./qualisys emulator &",
        "  export AWS_ENDPOINT_URL=<the printed endpoint> AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing QUALISYS_EMULATOR=true",
        "  ./qualisys apply --env dev --layer vpc",
        "  ./qualisys simulate-event --env dev examples/events/rds-sg-opened-to-internet.json"})
final class EmulatorCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = command.commandLine().getOut();
        LocalAws local = LocalAws.shared();
        out.println("emulator: local AWS at " + local.endpoint() + " (Ctrl-C stops it; its state is lost then)");
        // QUALISYS_EMULATOR says so explicitly: nothing is inferred from the loopback address (see EmulatorOption).
        out.println("export AWS_ENDPOINT_URL=" + local.endpoint() + " AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1"
                + " " + EmulatorOption.ENVIRONMENT_VARIABLE + "=true");
        out.flush();
        new CountDownLatch(1).await();
        return QualisysCli.OK;
    }
}
