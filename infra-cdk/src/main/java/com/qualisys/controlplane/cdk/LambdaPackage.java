package com.qualisys.controlplane.cdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Lambda deployment packages, one per function (functions/target/packages/&lt;Function&gt;.zip, built by
 * functions/src/packaging), checked against what Lambda accepts before anything is uploaded.
 */
final class LambdaPackage {
    /** Where the functions build leaves the packages, from the repository root. */
    static final String PACKAGES = "functions/target/packages";

    /** Lambda's limit on a function's code unpacked (layers included; these functions have none). */
    static final long UNZIPPED_LIMIT_BYTES = 262_144_000L;

    private LambdaPackage() {}

    /**
     * A function's own code in a directory of packages: {@code <Function>.zip}, or a folder {@code <Function>/}
     * that the CDK zips (test stand-ins). Neither is an error naming the build that makes it.
     */
    static Path codeOf(Path packages, com.qualisys.controlplane.handlers.FunctionCatalog function) {
        Path zip = packages.resolve(function.functionName() + ".zip");
        if (Files.isRegularFile(zip)) return zip;
        Path folder = packages.resolve(function.functionName());
        if (Files.isDirectory(folder)) return folder;
        throw new IllegalArgumentException(packages + " has no package for " + function.functionName() + " (" + zip.getFileName()
                + "): build the packages with ./mvnw -pl functions -am package -DskipTests");
    }

    /**
     * Throws when a function's code and layers (zips) unpack to more than the limit together; a folder
     * is zipped by the CDK and not counted.
     */
    static void check(List<Path> codeAndLayers, long limitBytes) {
        long unpacked = 0;
        for (Path p : codeAndLayers) unpacked += unpackedSize(p);
        if (unpacked > limitBytes) {
            throw new IllegalArgumentException(codeAndLayers + " unpack to " + unpacked + " bytes; Lambda accepts at most "
                    + limitBytes + ": keep dependencies as jars under lib/ and ship only what the"
                    + " function loads (functions/src/packaging/function-packages.properties)");
        }
    }

    private static long unpackedSize(Path zipOrFolder) {
        if (Files.isDirectory(zipOrFolder)) return 0;
        long unpacked = 0;
        try (ZipFile zip = new ZipFile(zipOrFolder.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                unpacked += Math.max(0, e.nextElement().getSize());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(zipOrFolder + " is not a readable zip: " + e.getMessage(), e);
        }
        return unpacked;
    }
}
