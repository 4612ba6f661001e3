package com.qualisys.controlplane.engine;

/**
 * An intentional override of one attribute: the environment's own response (e.g. a budget action)
 * set {@code path} of {@code logicalId} to {@code value} on purpose, for a while. While the live value
 * is still that value, drift reports the difference as overridden and apply leaves it alone.
 *
 * @param id    the override's id, for people and for restoring it
 * @param path  the dotted attribute path the owning layer's desired state uses ("scaling.maxSize")
 * @param cause why, in one line ("budget qualisys-monthly-500 reached $500.00")
 */
public record AttributeOverride(String id, String logicalId, String path, Object value, String cause) {}
