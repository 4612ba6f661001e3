package com.qualisys.cli;

import picocli.CommandLine.Command;

@Command(name = "drift", description = "Compares live resources with the spec and reports drift (read-only).")
final class DriftCommand extends PlanCommand {
    @Override
    String kind() {
        return "drift";
    }
}
