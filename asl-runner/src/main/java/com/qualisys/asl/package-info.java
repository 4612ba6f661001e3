/**
 * The local Step Functions runner: an interpreter of the Amazon States Language, in both query
 * languages (JSONPath through Jayway JsonPath, JSONata through com.dashjoin:jsonata) and with
 * workflow variables, that runs ASL definitions in-process with Task states dispatched to Java
 * code. It depends on nothing of the control plane; asl-runner/README.md lists what it supports,
 * the choices it makes where the developer guide is unclear, and what it refuses.
 *
 * <h2>Entry points</h2>
 * {@link com.qualisys.asl.StateMachineDefinition#parse(String, java.util.Map)} (or
 * {@code load(Path, Map)}) parses and validates a definition, {@link com.qualisys.asl.LocalRunner}
 * executes it with a {@link com.qualisys.asl.TaskDispatcher}; {@code .waitForTaskToken} tasks are
 * answered through a {@link com.qualisys.asl.TaskTokenBroker} (in memory, or files for
 * {@code qualisys approve}); an {@link com.qualisys.asl.ExecutionListener} sees the history as it
 * grows.
 *
 * <h2>Inside</h2>
 * {@code DefinitionParser} builds the {@code StateNode} model, collecting every problem;
 * {@code Execution} runs it. Computed fields are {@code Template}s: {@code PayloadTemplate}
 * (JSONPath {@code .$} members, {@code JsonPath}, {@code Intrinsic}) or {@code JsonataTemplate}
 * ({@code {% %}} expressions, {@code JsonataFunctions}); they read a {@code Scope} (data, context
 * object, {@code Variables}).
 */
package com.qualisys.asl;
