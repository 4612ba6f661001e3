package com.qualisys.controlplane.engine;

/** One attribute that differs: its dotted path, the desired value and the live value (null when absent). */
public record Difference(String path, Object expected, Object actual) {}
