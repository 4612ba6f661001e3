package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import java.util.LinkedHashSet;
import java.util.Set;

/** The top-level attributes a change touches ("tags.Name" → "tags"): what an UPDATE must repair. */
public final class ChangedAttributes {
    private ChangedAttributes() {}

    public static Set<String> of(Change change) {
        Set<String> out = new LinkedHashSet<>();
        for (Difference d : change.differences()) {
            int dot = d.path().indexOf('.');
            out.add(dot < 0 ? d.path() : d.path().substring(0, dot));
        }
        return out;
    }
}
