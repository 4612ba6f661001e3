package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * An EventBridge Scheduler schedule per managed environment, at the spec's {@code drift.schedule},
 * starting the drift-check state machine with {@code {"environment": "<env>"}}.
 */
final class DriftSchedules extends Construct {
    DriftSchedules(Construct scope, String id, List<EnvironmentSpec> environments, IStateMachine driftCheck,
                   IQueue deadLetters) {
        super(scope, id);
        for (EnvironmentSpec env : environments) {
            Schedule.Builder.create(this, env.environment())
                    .scheduleName("qualisys-drift-" + env.environment())
                    .description("Drift check of " + env.environment() + " (environments/" + env.environment()
                            + ".yaml drift.schedule)")
                    .schedule(ScheduleExpression.expression(env.drift().schedule()))
                    .target(new StepFunctionsStartExecution(driftCheck, ScheduleTargetBaseProps.builder()
                            .input(ScheduleTargetInput.fromObject(Map.of("environment", env.environment())))
                            .deadLetterQueue(deadLetters)
                            .retryAttempts(3)
                            .maxEventAge(Duration.hours(1))
                            .build()))
                    .build();
        }
    }
}
