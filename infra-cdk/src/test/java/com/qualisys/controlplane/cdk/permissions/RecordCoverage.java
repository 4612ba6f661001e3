package com.qualisys.controlplane.cdk.permissions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Whether a permission record covers a module's whole test suite: every test class of its
 * {@code src/test/java} ({@code *Test.java}, the project's convention) must be named as run in the
 * {@code classes-<pid>.txt} files its test JVMs wrote beside their calls (RecordedTestClasses in
 * functions' tests). Only a whole suite's record can say a grant is never exercised.
 */
record RecordCoverage(Set<String> testClasses, Set<String> recorded) {

    static RecordCoverage of(Path module, Path record) {
        return new RecordCoverage(testClasses(module.resolve("src/test/java")), recorded(record));
    }

    Set<String> missing() {
        Set<String> missing = new TreeSet<>(testClasses);
        missing.removeAll(recorded);
        return missing;
    }

    /** Why the record cannot be used for the least-privilege check, or null when it covers the whole suite. */
    String partial(Path record) {
        Set<String> missing = missing();
        if (missing.isEmpty()) return null;
        return "the permission record in " + record + " is from a partial run: " + missing.size() + " of " + testClasses.size()
                + " test classes have no record (e.g. " + missing.stream().limit(5).toList() + "), so the grants their code"
                + " paths use would be reported as never exercised. Record the whole suite first:"
                + " ./mvnw -B -ntp -pl functions,cli,infra-cdk -am verify (or ./scripts/test)";
    }

    private static Set<String> testClasses(Path sources) {
        try (Stream<Path> files = Files.walk(sources)) {
            Set<String> out = new TreeSet<>();
            files.filter(f -> f.getFileName().toString().endsWith("Test.java")).forEach(f -> out.add(
                    sources.relativize(f).toString().replace(".java", "").replace('/', '.').replace('\\', '.')));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> recorded(Path record) {
        Set<String> out = new TreeSet<>();
        Set<String> failed = new TreeSet<>();
        if (!Files.isDirectory(record)) return out;
        try (Stream<Path> files = Files.list(record)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("classes-")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length != 2) continue;
                    (parts[1].equals("SUCCESSFUL") ? out : failed).add(parts[0].replaceAll("\\$.*", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A class with a failed test (in this run or an earlier one still on disk) did not run to the end.
        out.removeAll(failed);
        return out;
    }
}
