package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming. Lambda snapshots a published version after its initialisation and restores that
 * snapshot on a cold start; before the snapshot it runs the org.crac {@code beforeCheckpoint} hooks.
 * This hook makes the function do, without calling AWS, what its first invocation would otherwise pay
 * for after a restore: JSON read and written through the shared mappers, one HTTPS request through the package's SDK
 * HTTP client to a server of its own on loopback ({@link TlsPriming}), every environment's spec loaded
 * and validated, the layers made and their desired state computed and diffed, the AWS SDK clients of
 * every service module in the package created ({@code AwsClients.prime}) and each of their operations run
 * once, answered in the JVM ({@code AwsClients.primeOperations}), and Log4j started with one line logged
 * ({@link #logPrimed}). What it warms depends on what the package ships, so one hook serves every function.
 * No call leaves the process: the snapshot holds no connection, credentials or responses from before it.
 */
final class Priming implements Resource {
    private final ControlPlaneHandler handler;
    private volatile Map<String, Object> last;

    private Priming(ControlPlaneHandler handler) {
        this.handler = handler;
    }

    /**
     * The hook of a Lambda-constructed handler, registered with the global org.crac context. The context
     * holds resources weakly: the handler keeps the returned object.
     */
    static Priming register(ControlPlaneHandler handler) {
        Priming priming = new Priming(handler);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** A hook not registered anywhere (tests invoke it directly). */
    static Priming of(ControlPlaneHandler handler) {
        return new Priming(handler);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        last = handler.prime();
        logPrimed(last);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to redo: no connection, credential or clock value was captured before the snapshot.
    }

    /** What the last beforeCheckpoint warmed (null before it ran). */
    Map<String, Object> lastPrimed() {
        return last;
    }

    /** A JSON document through the shared mapper, both ways: parser, generator and the Map/List deserialisers. */
    static int warmJson() {
        try {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("environment", "priming");
            doc.put("changes", List.of(Map.of("logicalId", "vpc/vpc/main", "action", "UPDATE", "count", 1, "ok", true)));
            doc.put("ratio", 0.5);
            String text = Json.mapper().writeValueAsString(doc);
            Json.indented().writeValueAsString(Json.mapper().readValue(text, Map.class));
            return Json.mapper().readTree(text).size();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("priming JSON failed", e);
        }
    }

    /**
     * The java.time mapper ({@code Json.javaTime()}) both ways, where the package ships its module: the module set up,
     * an instant and a duration written as ISO-8601 and read back. Returns the instant's text.
     */
    static String warmJavaTime() {
        try {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("at", Instant.EPOCH);
            doc.put("lasting", Duration.ofMinutes(1));
            String text = Json.javaTime().writeValueAsString(doc);
            return Json.javaTime().treeToValue(Json.javaTime().readTree(text).get("at"), Instant.class).toString();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("priming java.time JSON failed", e);
        }
    }

    /**
     * Logging as an invocation logs, so that a restored function does not start Log4j on its first call (in a fresh JVM
     * about 15 % of a small function's cold-start CPU): Powertools' logging class, whose initialisation starts Log4j
     * (its configuration, the console appender, the JSON layout with Powertools' resolvers), and one line through that
     * layout saying what was primed. Powertools' invocation wrapper is not run: it would take this for the cold start.
     */
    static void logPrimed(Map<String, Object> primed) {
        try {
            Class.forName("software.amazon.lambda.powertools.logging.PowertoolsLogging", true, Priming.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the package lacks Powertools logging, which every handler logs through", e);
        }
        org.slf4j.LoggerFactory.getLogger(Priming.class).info("SnapStart priming warmed {}", primed.keySet());
    }

    /** Whether a class is on this function's classpath (its package ships the library). */
    static boolean available(String className) {
        try {
            Class.forName(className, false, Priming.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
