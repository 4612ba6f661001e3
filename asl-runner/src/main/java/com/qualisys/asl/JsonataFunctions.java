package com.qualisys.asl;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The functions Step Functions adds to JSONata: {@code $partition}, {@code $range},
 * {@code $hash}, {@code $random}, {@code $uuid} and {@code $parse}; and {@code $eval}, which
 * Step Functions disables. As on AWS, non-integer numbers are truncated towards zero, and some
 * arguments make the function return nothing (undefined) rather than fail: a chunk size of 0, an
 * empty array, a {@code $range} without a step or whose step goes the wrong way, a {@code $hash}
 * without an algorithm (the field that holds the expression then fails). Other misuse raises
 * {@code States.QueryEvaluationError}.
 */
final class JsonataFunctions {
    /** The same algorithms as the intrinsic function States.Hash. */
    private static final Set<String> HASH_ALGORITHMS = Intrinsic.HASH_ALGORITHMS;
    /** The most elements AWS lets $range build; one more exceeds its memory limit. */
    static final int MAX_RANGE = 360_145;
    /** Evaluation bounds: AWS's nesting depth, and a time limit. */
    static final int MAX_DEPTH = 100;
    static final long TIMEOUT_MILLIS = 5_000;

    private JsonataFunctions() {
    }

    static void bindAll(Jsonata.Frame frame) {
        bind(frame, "partition", JsonataFunctions::partition);
        bind(frame, "range", JsonataFunctions::range);
        bind(frame, "hash", JsonataFunctions::hash);
        bind(frame, "random", JsonataFunctions::random);
        bind(frame, "uuid", args -> UUID.randomUUID().toString());
        bind(frame, "parse", JsonataFunctions::parse);
        bind(frame, "eval", args -> {
            throw failure("eval", "Step Functions disables $eval; use $parse to read JSON text");
        });
        frame.setRuntimeBounds(TIMEOUT_MILLIS, MAX_DEPTH);
    }

    private interface Body {
        Object apply(List<?> args);
    }

    private static void bind(Jsonata.Frame frame, String name, Body body) {
        frame.bind(name, new Jsonata.JFunction((input, args) -> body.apply(args == null ? List.of() : args), null));
    }

    private static StatesError failure(String function, String reason) {
        return new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "$" + function + ": " + reason);
    }

    private static Object arg(List<?> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    /** A number argument truncated towards zero; null when the argument is absent. */
    private static Long integer(String function, List<?> args, int i) {
        Object v = arg(args, i);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw failure(function, "argument " + (i + 1) + " must be a number, got " + v);
        }
        return (long) n.doubleValue();
    }

    private static Object partition(List<?> args) {
        if (!(arg(args, 0) instanceof List<?> array)) {
            throw failure("partition", "argument 1 must be an array, got " + arg(args, 0));
        }
        Long size = integer("partition", args, 1);
        if (size == null || size == 0 || array.isEmpty()) {
            return null;
        }
        if (size < 0) {
            throw failure("partition", "the chunk size must be a positive integer, got " + size);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i += (int) Math.min(size, Integer.MAX_VALUE)) {
            out.add(new ArrayList<>(array.subList(i, (int) Math.min(array.size(), i + size))));
        }
        return out;
    }

    private static Object range(List<?> args) {
        Long start = integer("range", args, 0);
        Long end = integer("range", args, 1);
        Long step = integer("range", args, 2);
        if (start == null || end == null) {
            throw failure("range", "needs a start and an end");
        }
        if (step == null || step == 0 || (end - start) * step < 0) {
            return null;
        }
        long count = (end - start) / step + 1;
        if (count > MAX_RANGE) {
            throw failure("range", "Expression evaluation memory limit exceeded (" + count + " elements; at most "
                    + MAX_RANGE + ")");
        }
        List<Object> out = new ArrayList<>();
        for (long i = 0, v = start; i < count; i++, v += step) {
            out.add(v);
        }
        // A one-element range is the bare number, as JSONata sequences are.
        return out.size() == 1 ? out.get(0) : out;
    }

    private static Object hash(List<?> args) {
        Object data = arg(args, 0);
        Object algorithm = arg(args, 1);
        if (!(data instanceof String text)) {
            throw failure("hash", "argument 1 must be a string, got " + data);
        }
        if (algorithm == null) {
            return null;
        }
        if (!(algorithm instanceof String name) || !HASH_ALGORITHMS.contains(name)) {
            throw failure("hash", "unsupported algorithm " + algorithm + "; use one of MD5, SHA-1, SHA-256,"
                    + " SHA-384, SHA-512");
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw failure("hash", "algorithm " + name + " is not available in this JVM");
        }
    }

    private static Object random(List<?> args) {
        Long seed = integer("random", args, 0);
        return seed == null ? ThreadLocalRandom.current().nextDouble() : new Random(seed).nextDouble();
    }

    private static Object parse(List<?> args) {
        if (!(arg(args, 0) instanceof String text)) {
            throw failure("parse", "argument 1 must be a string, got " + arg(args, 0));
        }
        try {
            return JsonataTemplate.toJava(Json.MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw failure("parse", "the argument is not a JSON text: " + e.getOriginalMessage());
        }
    }
}
