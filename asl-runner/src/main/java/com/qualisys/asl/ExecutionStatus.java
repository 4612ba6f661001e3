package com.qualisys.asl;

/** How an execution ended. */
public enum ExecutionStatus { SUCCEEDED, FAILED }
