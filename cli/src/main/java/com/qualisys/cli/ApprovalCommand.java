package com.qualisys.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.FileTaskTokenBroker;
import com.qualisys.asl.PendingTask;
import com.qualisys.cli.aws.ExecutionHistory;
import com.qualisys.cli.aws.HistoryReader;
import com.qualisys.cli.aws.PendingApproval;
import com.qualisys.cli.aws.StateMachineLocator;
import com.qualisys.cli.local.LocalApprovals;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.handlers.StateMachines;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * What {@code approve} and {@code reject} share: find the approval an execution waits for (in
 * its AWS execution history, or among a local run's pending tokens) and answer it once.
 */
abstract class ApprovalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<execution>",
            description = "Execution ARN, or its name with --state-machine. With --local: optional when one run waits.")
    String execution;

    @Option(names = "--state-machine", defaultValue = "provision",
            description = "State machine of an execution given by name: its name (provision, qualisys-provision) or ARN. Default: provision.")
    String stateMachine;

    @Option(names = "--local", description = "Answer a local run (qualisys run ... --local) through its token directory.")
    boolean local;

    @Option(names = "--tokens-dir", description = "The local runs' token directory. Default: .qualisys/tokens")
    Path tokensDir;

    @Option(names = "--region", description = "AWS region. Default: the execution ARN's, else AWS_REGION / the profile's.")
    String region;

    @Option(names = "--endpoint-url", description = "AWS endpoint override (an emulator). Default: AWS_ENDPOINT_URL, else AWS.")
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    /** "approved" or "rejected", for messages. */
    abstract String verb();

    /** Answers a local run's task. */
    abstract void answerLocal(FileTaskTokenBroker broker, PendingTask task, String by);

    /** Answers the task in AWS (SendTaskSuccess / SendTaskFailure). */
    abstract void answerAws(SfnClient sfn, PendingApproval approval, String executionArn, String by);

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        if (local) {
            Path dir = tokensDir != null ? tokensDir.toAbsolutePath() : RunCommand.tokenDirectory();
            FileTaskTokenBroker broker = new FileTaskTokenBroker(dir);
            PendingTask task = LocalApprovals.select(broker.pending(), execution, dir.toString());
            answerLocal(broker, task, "local:" + System.getProperty("user.name"));
            out.println(verb() + " " + task.stateName() + " of local execution " + task.executionId());
            out.flush();
            return QualisysCli.OK;
        }
        if (execution == null) {
            throw new IllegalArgumentException("name the execution: its ARN, or its name with --state-machine (or --local)");
        }
        if (execution.startsWith("arn:") && !StateMachineLocator.isExecutionArn(execution)) {
            throw new IllegalArgumentException("not an execution ARN: " + execution);
        }
        try (AwsClients aws = LocalControlPlane.clients(region(), endpointUrl, emulator.emulator)) {
            SfnClient sfn = aws.stepFunctions();
            String executionArn = executionArn(sfn);
            var described = sfn.describeExecution(r -> r.executionArn(executionArn));
            if (described.status() != ExecutionStatus.RUNNING) {
                throw new IllegalArgumentException("execution " + executionArn + " is " + described.statusAsString()
                        + ": nothing waits for approval any more");
            }
            ExecutionHistory history = new ExecutionHistory(new HistoryReader(sfn).all(executionArn));
            PendingApproval approval = PendingApproval.find(history).orElseThrow(() -> new IllegalArgumentException(
                    "execution " + executionArn + " is running but not waiting for approval (no unanswered "
                            + StateMachines.APPROVAL_STATE + " task in its history)"));
            String by = aws.sts().getCallerIdentity().arn();
            answerAws(sfn, approval, executionArn, by);
            out.println(verb() + " layer " + approval.layer() + " of " + approval.environment() + " in " + executionArn + " (as " + by + ")");
            out.flush();
            return QualisysCli.OK;
        }
    }

    /** The answer a successful approval gives the waiting task (its result, $.approval in provision). */
    static ObjectNode approvedBy(String by) {
        return RunCommand.JSON.createObjectNode().put("approved", true).put("by", by);
    }

    private String executionArn(SfnClient sfn) {
        if (execution.startsWith("arn:")) return execution;
        String machine = stateMachine.startsWith("arn:") ? stateMachine
                : StateMachines.byName(stateMachine).map(StateMachines::deployedName).orElse(stateMachine);
        return StateMachineLocator.executionArn(new StateMachineLocator(sfn).stateMachineArn(machine), execution);
    }

    private String region() {
        if (region != null) return region;
        if (execution != null && StateMachineLocator.isExecutionArn(execution)) return StateMachineLocator.region(execution);
        if (stateMachine.startsWith("arn:")) return StateMachineLocator.region(stateMachine);
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (SdkClientException none) {
            throw new IllegalArgumentException("no AWS region: give the execution's ARN, --region, or set AWS_REGION");
        }
    }
}
