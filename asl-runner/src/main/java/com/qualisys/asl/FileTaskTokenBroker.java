package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Task tokens answered through files, so that another process (the {@code qualisys approve}
 * command) can answer a task that a {@code qualisys run} process waits for.
 *
 * <p>Layout of the directory:
 * <ul>
 *   <li>{@code <token>.pending.json} — written when a task starts waiting:
 *       {@code {"token", "executionId", "stateName", "registeredAt"}}; removed once answered;</li>
 *   <li>{@code <token>.json} — the answer, written atomically by {@link #sendTaskSuccess}
 *       ({@code {"output": <json>}}) or {@link #sendTaskFailure}
 *       ({@code {"error": "...", "cause": "..."}}); the waiting runner consumes and deletes it.</li>
 * </ul>
 * The waiting side polls (default every 200 ms), which works on every file system.
 */
public final class FileTaskTokenBroker implements TaskTokenBroker {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String PENDING_SUFFIX = ".pending.json";

    private final Path dir;
    private final Duration pollInterval;

    public FileTaskTokenBroker(Path dir) {
        this(dir, Duration.ofMillis(200));
    }

    public FileTaskTokenBroker(Path dir, Duration pollInterval) {
        this.dir = dir;
        this.pollInterval = pollInterval;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void register(String token, String executionId, String stateName) {
        checkToken(token);
        ObjectNode pending = Json.MAPPER.createObjectNode()
                .put("token", token)
                .put("executionId", executionId)
                .put("stateName", stateName)
                .put("registeredAt", Instant.now().toString())
                .put("pid", ProcessHandle.current().pid());
        ProcessHandle.current().info().startInstant().ifPresent(t -> pending.put("processStartedAt", t.toString()));
        writeAtomically(pendingFile(token), pending);
    }

    @Override
    public Outcome await(String token, String executionId) throws InterruptedException {
        checkToken(token);
        Path answer = answerFile(token);
        try {
            while (!Files.exists(answer)) {
                Thread.sleep(pollInterval.toMillis());
            }
            return read(answer);
        } finally {
            deleteQuietly(answer);
            deleteQuietly(pendingFile(token));
        }
    }

    @Override
    public void release(String token) {
        checkToken(token);
        deleteQuietly(pendingFile(token));
        deleteQuietly(answerFile(token));
    }

    private static Outcome read(Path answer) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(answer.toFile());
        } catch (IOException e) {
            return new Failure(StatesErrors.TASK_FAILED, "unreadable task token answer " + answer + ": " + e.getMessage());
        }
        if (json != null && json.has("output")) {
            return new Success(json.get("output"));
        }
        if (json != null && json.has("error")) {
            JsonNode cause = json.get("cause");
            return new Failure(json.get("error").asText(), cause == null || cause.isNull() ? null : cause.asText());
        }
        return new Failure(StatesErrors.TASK_FAILED, "task token answer " + answer
                + " has neither \"output\" nor \"error\"");
    }

    /** SendTaskSuccess from any process. Throws IllegalArgumentException if no task waits for the token. */
    public void sendTaskSuccess(String token, JsonNode output) {
        checkPending(token);
        writeAtomically(answerFile(token), Json.MAPPER.createObjectNode().set("output", output));
    }

    /** SendTaskFailure from any process. Throws IllegalArgumentException if no task waits for the token. */
    public void sendTaskFailure(String token, String error, String cause) {
        checkPending(token);
        ObjectNode answer = Json.MAPPER.createObjectNode().put("error", error == null ? StatesErrors.TASK_FAILED : error);
        if (cause != null) {
            answer.put("cause", cause);
        }
        writeAtomically(answerFile(token), answer);
    }

    /** The tasks waiting for an answer, oldest first. */
    public List<PendingTask> pending() {
        List<PendingTask> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + PENDING_SUFFIX)) {
            for (Path f : files) {
                try {
                    JsonNode p = Json.MAPPER.readTree(f.toFile());
                    out.add(pendingTask(p));
                } catch (IOException | RuntimeException e) {
                    // A file being replaced right now, or not ours: skip it.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(Comparator.comparing(PendingTask::registeredAt));
        return out;
    }

    private static PendingTask pendingTask(JsonNode p) {
        return new PendingTask(p.path("token").asText(), p.path("executionId").asText(null),
                p.path("stateName").asText(null), Instant.parse(p.path("registeredAt").asText()), p.path("pid").asLong(0),
                p.hasNonNull("processStartedAt") ? Instant.parse(p.get("processStartedAt").asText()) : null);
    }

    private void checkPending(String token) {
        checkToken(token);
        if (!Files.exists(pendingFile(token))) {
            throw new IllegalArgumentException("TaskDoesNotExist: no task is waiting for token " + token
                    + " (no " + pendingFile(token) + ")");
        }
        PendingTask task;
        try {
            task = pendingTask(Json.MAPPER.readTree(pendingFile(token).toFile()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("TaskDoesNotExist: unreadable " + pendingFile(token) + ": " + e.getMessage());
        }
        if (!task.waiterAlive()) {
            // The run was interrupted or killed while it waited: nobody would read the answer.
            deleteQuietly(pendingFile(token));
            throw new IllegalArgumentException("execution " + task.executionId() + " is no longer running (its process "
                    + task.pid() + " ended): nothing waits for this answer; start the run again");
        }
        if (Files.exists(answerFile(token))) {
            throw new IllegalStateException("InvalidToken: token " + token + " was already answered");
        }
    }

    private static void checkToken(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("not a task token of the local runner: " + token);
        }
    }

    private Path pendingFile(String token) {
        return dir.resolve(token + PENDING_SUFFIX);
    }

    private Path answerFile(String token) {
        return dir.resolve(token + ".json");
    }

    private void writeAtomically(Path target, JsonNode content) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".tmp-", ".part");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(content));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
