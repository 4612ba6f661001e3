package com.qualisys.controlplane.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root (the folder with environments/defaults.yaml) from any module. */
public final class RepoPaths {
    private RepoPaths() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("environments/defaults.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (environments/defaults.yaml) above "
                + Path.of("").toAbsolutePath());
    }

    public static Path cache() {
        return root().resolve(".cache");
    }
}
