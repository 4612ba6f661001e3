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
 * A daily EventBridge Scheduler schedule per managed environment starting the budget-response state
 * machine with {@code {"environment": "<env>", "action": "restore-expired"}}: overrides whose budget
 * period has ended (the capped Playwright pool) are put back without anyone remembering to. Daily at
 * 00:15 UTC, shortly after a monthly budget period ends at midnight UTC.
 */
final class RestoreExpiredSchedules extends Construct {
    static final String EXPRESSION = "cron(15 0 * * ? *)";

    RestoreExpiredSchedules(Construct scope, String id, List<EnvironmentSpec> environments, IStateMachine budgetResponse,
                            IQueue deadLetters) {
        super(scope, id);
        for (EnvironmentSpec env : environments) {
            Schedule.Builder.create(this, env.environment())
                    .scheduleName("qualisys-restore-expired-" + env.environment())
                    .description("Restores the budget overrides of " + env.environment() + " whose budget period has ended")
                    .schedule(ScheduleExpression.expression(EXPRESSION))
                    .target(new StepFunctionsStartExecution(budgetResponse, ScheduleTargetBaseProps.builder()
                            .input(ScheduleTargetInput.fromObject(Map.of("environment", env.environment(), "action", "restore-expired")))
                            .deadLetterQueue(deadLetters)
                            .retryAttempts(3)
                            .maxEventAge(Duration.hours(1))
                            .build()))
                    .build();
        }
    }
}
