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
 * {@code $hash}, {@code $random}, {@code $uuid} and {@code $parse}. Misuse raises
 * {@code States.QueryEvaluationError}.
 */
final class JsonataFunctions {
    /** The same limits as the intrinsic functions States.Hash and States.ArrayRange. */
    private static final Set<String> HASH_ALGORITHMS = Intrinsic.HASH_ALGORITHMS;
    private static final int MAX_RANGE = Intrinsic.MAX_RANGE;

    private JsonataFunctions() {
    }

    static void bindAll(Jsonata.Frame frame) {
        bind(frame, "partition", JsonataFunctions::partition);
        bind(frame, "range", JsonataFunctions::range);
        bind(frame, "hash", JsonataFunctions::hash);
        bind(frame, "random", JsonataFunctions::random);
        bind(frame, "uuid", args -> UUID.randomUUID().toString());
        bind(frame, "parse", JsonataFunctions::parse);
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

    private static long integer(String function, List<?> args, int i) {
        Object v = arg(args, i);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw failure(function, "argument " + (i + 1) + " must be an integer, got " + v);
        }
        return n.longValue();
    }

    private static Object partition(List<?> args) {
        if (!(arg(args, 0) instanceof List<?> array)) {
            throw failure("partition", "argument 1 must be an array, got " + arg(args, 0));
        }
        long size = integer("partition", args, 1);
        if (size <= 0) {
            throw failure("partition", "the chunk size must be a positive integer, got " + size);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i += (int) size) {
            out.add(new ArrayList<>(array.subList(i, (int) Math.min(array.size(), i + size))));
        }
        return out;
    }

    private static Object range(List<?> args) {
        long start = integer("range", args, 0);
        long end = integer("range", args, 1);
        long step = integer("range", args, 2);
        if (step == 0) {
            throw failure("range", "the step must not be 0");
        }
        long count = (end - start) / step >= 0 ? (end - start) / step + 1 : 0;
        if (count > MAX_RANGE) {
            throw failure("range", "the range has " + count + " items; at most " + MAX_RANGE + " are allowed");
        }
        List<Object> out = new ArrayList<>();
        for (long i = 0, v = start; i < count; i++, v += step) {
            out.add(v);
        }
        return out;
    }

    private static Object hash(List<?> args) {
        Object data = arg(args, 0);
        Object algorithm = arg(args, 1);
        if (!(data instanceof String text)) {
            throw failure("hash", "argument 1 must be a string, got " + data);
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
        if (args.isEmpty() || arg(args, 0) == null) {
            return ThreadLocalRandom.current().nextDouble();
        }
        return new Random(integer("random", args, 0)).nextDouble();
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
