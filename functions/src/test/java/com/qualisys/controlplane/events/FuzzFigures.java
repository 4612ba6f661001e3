package com.qualisys.controlplane.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what a fuzz property did with its inputs and writes the figures to target/fuzz-figures.txt. */
public final class FuzzFigures {
    public final AtomicInteger tried = new AtomicInteger();
    public final AtomicInteger rejected = new AtomicInteger();
    public final AtomicInteger accepted = new AtomicInteger();
    private final String name;

    public FuzzFigures(String name) {
        this.name = name;
    }

    public void report() {
        String line = String.format("%s: %d inputs tried, %d rejected, %d accepted%n", name, tried.get(), rejected.get(), accepted.get());
        System.out.print(line);
        try {
            Files.writeString(Path.of("target", "fuzz-figures.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot write fuzz figures: " + e.getMessage());
        }
    }
}
