/**
 * The local Step Functions runner: an interpreter of the Amazon States Language (JSONPath query
 * language) that runs {@code statemachines/*.asl.json} in-process, with Task states dispatched to
 * Java code.
 *
 * <h2>Entry points</h2>
 * {@link com.qualisys.asl.StateMachineDefinition#parse(String, java.util.Map)} (or
 * {@code load(Path, Map)}) parses and validates a definition, {@link com.qualisys.asl.LocalRunner}
 * executes it with a {@link com.qualisys.asl.TaskDispatcher}; {@code .waitForTaskToken} tasks are
 * answered through a {@link com.qualisys.asl.TaskTokenBroker} (in memory, or files for
 * {@code qualisys approve}); an {@link com.qualisys.asl.ExecutionListener} sees the history as it
 * grows.
 *
 * <h2>Supported</h2>
 * <ul>
 *   <li>All eight state types: Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map (inline).</li>
 *   <li>InputPath → Parameters → task → ResultSelector → ResultPath → OutputPath, with {@code .$}
 *       members at any depth, {@code $$} context paths and null InputPath/OutputPath/ResultPath.</li>
 *   <li>The context object: Execution (Id, Name, Input, StartTime, RoleArn, RedriveCount),
 *       StateMachine (Id, Name), State (Name, EnteredTime, RetryCount), Task.Token, and
 *       Map.Item (Index, Value) in ItemSelector.</li>
 *   <li>Every Choice operator (String*, Numeric*, Boolean*, Timestamp*, their *Path forms,
 *       StringMatches, IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp, And, Or,
 *       Not), Default and States.NoChoiceMatched.</li>
 *   <li>Wait: Seconds, SecondsPath, Timestamp, TimestampPath, scaled by
 *       {@code LocalRunner.Builder.waitScale}.</li>
 *   <li>Retry (ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds,
 *       JitterStrategy) and Catch (ErrorEquals, ResultPath, Next) on Task, Parallel and Map.</li>
 *   <li>Task: TimeoutSeconds/TimeoutSecondsPath (real time), HeartbeatSeconds(Path) accepted but
 *       not enforced; resources as described in {@link com.qualisys.asl.TaskDispatcher}.</li>
 *   <li>Parallel (results in branch order), Map (ItemsPath, ItemSelector or legacy Parameters,
 *       ItemProcessor or legacy Iterator, MaxConcurrency(Path); results in input order).</li>
 *   <li>Every JSONPath intrinsic function (States.Format ... States.UUID), failing with
 *       States.IntrinsicFailure on misuse.</li>
 *   <li>The state machine's TimeoutSeconds (real time, not scaled).</li>
 * </ul>
 *
 * <h2>Rejected when parsing</h2>
 * JSONata (QueryLanguage JSONata, Arguments, Output, Items, Condition), workflow variables
 * (Assign), distributed Map (ItemReader, ItemBatcher, ResultWriter, ToleratedFailure*, Label,
 * ProcessorConfig Mode DISTRIBUTED), Task Credentials, JSONPath filters/scripts/functions; and
 * invalid definitions (missing Next/End, unknown StartAt or Next, unreachable states, duplicate
 * names, misplaced States.ALL, malformed paths, rules, retriers, intrinsic calls...).
 *
 * <h2>Not modelled</h2>
 * States.DataLimitExceeded (no payload size limit), heartbeats, execution redrive, Express
 * workflow semantics.
 */
package com.qualisys.asl;
