package com.qualisys.controlplane.engine;

/** A targeted plan or apply named a logical id the layer does not have; nothing was changed. */
public class UnknownResourceException extends IllegalArgumentException {
    public UnknownResourceException(String message) {
        super(message);
    }
}
