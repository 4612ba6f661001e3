package com.qualisys.controlplane.engine;

import java.util.Set;

/**
 * A type of resource a layer owns. replaceOn names the attributes AWS cannot change in place
 * (a change to one of them is a REPLACE); stateful resources hold data or carry traffic, so
 * deleting them is destructive.
 */
public record ResourceKind(String name, Set<String> replaceOn, boolean stateful) {
    public ResourceKind {
        replaceOn = Set.copyOf(replaceOn);
    }

    public static ResourceKind of(String name, boolean stateful, String... replaceOn) {
        return new ResourceKind(name, Set.of(replaceOn), stateful);
    }
}
