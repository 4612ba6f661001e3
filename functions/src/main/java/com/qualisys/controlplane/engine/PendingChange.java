package com.qualisys.controlplane.engine;

/** A planned change that apply left for a later run, and why (what it waits for). */
public record PendingChange(Change change, String reason) {}
