package com.qualisys.controlplane.handlers;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The main class {@link ColdStartBenchmark} runs in a fresh JVM: what the Lambda Java runtime does
 * for one function, minus the runtime API's HTTP loop. It reads each input document (JSON files),
 * instantiates the handler class on the first invocation (with the no-argument constructor, as
 * Lambda does), calls handleRequest with a Lambda-like context, writes the result as JSON (whole, beside
 * the input: {@code <input>.answer.json}), and
 * prints one marker line per invocation to stdout:
 * {@code @@bench response <n> <nanos of that invocation> ok|error <detail>}.
 *
 * <p>{@code --prime <handler> <inputs...>} first constructs the handler and runs its SnapStart hook
 * ({@link Priming}) as Lambda does before a snapshot, and prints {@code @@bench primed <what it warmed>};
 * the timed invocations then stand for a restored function's. With the system property {@value #AWAIT_RESTORE} (a
 * file's path) it then prints {@code @@bench checkpoint} and waits for that file to exist before the first invocation:
 * the benchmark checkpoints the JVM there and restores it (CRIU), the file standing for the invocation that arrives.
 *
 * <p>{@code --trivial} prints the first marker at once: the baseline, a JVM that does nothing.
 * It runs from a directory of its own (its class files are copied out of test-classes), so the
 * child's classpath is the function package plus this class only.
 */
public final class ColdStartProbe {
    static final String MARK = "@@bench ";
    /**
     * The account the function is deployed in, which Lambda names in the ARN of every invocation ({@code
     * Context.getInvokedFunctionArn}): the launching test sets it, as it sets the credentials of that account.
     */
    static final String FUNCTION_ACCOUNT = "PROBE_FUNCTION_ACCOUNT";
    /** The file whose existence, after the checkpoint, is the first invocation's arrival. */
    static final String AWAIT_RESTORE = "qualisys.probe.awaitRestore";

    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        if (args.length == 1 && args[0].equals("--trivial")) {
            out.println(MARK + "response 1 0 ok trivial");
            out.flush();
            return;
        }
        out.println(MARK + "main");
        out.flush();
        ObjectMapper json = new ObjectMapper();
        RequestHandler<Map<String, Object>, Map<String, Object>> handler = null;
        int first = 1;
        if (args[0].equals("--prime")) {
            // What SnapStart does before its snapshot: construct the handler and run its org.crac hook.
            handler = instantiate(args[1]);
            out.println(MARK + "primed " + json.writeValueAsString(Primer.prime(handler)));
            out.flush();
            first = 2;
            String arrival = System.getProperty(AWAIT_RESTORE);
            if (arrival != null) {
                out.println(MARK + "checkpoint");
                out.flush();
                while (!Files.exists(Path.of(arrival))) Thread.sleep(1);
            }
        }
        for (int i = first; i < args.length; i++) {
            long start = System.nanoTime();
            String outcome;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> input = json.readValue(Path.of(args[i]).toFile(), Map.class);
                if (handler == null) handler = instantiate(args[first - 1]);
                String answer = json.writeValueAsString(handler.handleRequest(input, new ProbeContext(args[first - 1])));
                Files.writeString(Path.of(args[i].replaceFirst("\\.json$", "") + ".answer.json"), answer);
                outcome = "ok " + answer;
            } catch (Throwable e) {
                outcome = "error " + e.getClass().getName() + ": " + e.getMessage();
            }
            long nanos = System.nanoTime() - start;
            out.println(MARK + "response " + (i - first + 1) + " " + nanos + " " + oneLine(outcome));
            out.flush();
        }
        // Handlers may leave non-daemon threads (HTTP keep-alive, database pools): Lambda freezes them, we end them.
        System.exit(0);
    }

    /** Apart, so that the trivial baseline (whose classpath has no function) never loads these classes. */
    private static final class Primer {
        static Map<String, Object> prime(Object handler) throws Exception {
            Priming hook = ((ControlPlaneHandler) handler).primingHook();
            hook.beforeCheckpoint(null);
            return hook.lastPrimed();
        }
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<Map<String, Object>, Map<String, Object>> instantiate(String className) throws ReflectiveOperationException {
        return (RequestHandler<Map<String, Object>, Map<String, Object>>) Class.forName(className).getDeclaredConstructor().newInstance();
    }

    private static String oneLine(String s) {
        String flat = s.replace('\n', ' ').replace('\r', ' ');
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    /** The context the Lambda runtime passes: ids and limits; its logger writes to stdout, as in Lambda. */
    private record ProbeContext(String handler) implements Context {
        private static final String REQUEST_ID = UUID.randomUUID().toString();

        @Override public String getAwsRequestId() { return REQUEST_ID; }
        @Override public String getLogGroupName() { return "/aws/lambda/cold-start-benchmark"; }
        @Override public String getLogStreamName() { return "cold-start-benchmark"; }
        @Override public String getFunctionName() { return handler.substring(handler.lastIndexOf('.') + 1); }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        /** As Lambda names it: the function's region, account and deployed name. */
        @Override public String getInvokedFunctionArn() {
            return "arn:aws:lambda:" + System.getenv("AWS_REGION") + ":" + System.getenv(FUNCTION_ACCOUNT) + ":function:"
                    + System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 900_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.out.println(message); }
                @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
