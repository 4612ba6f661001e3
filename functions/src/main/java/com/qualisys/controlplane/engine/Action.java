package com.qualisys.controlplane.engine;

/** What apply would do to one resource. */
public enum Action { CREATE, UPDATE, REPLACE, DELETE }
