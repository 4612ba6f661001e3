package com.qualisys.controlplane.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What an apply may destroy. {@link #NONE}: nothing (destructive changes stop the apply);
 * {@link #ANY}: whatever the fresh plan holds (the CLI's {@code --approve-destructive}, typed by the
 * person watching); {@link #of(String)}: exactly the destructive set a person approved, identified by
 * its {@link #digest(List) digest}. The apply re-plans, so an approval given hours after the request
 * covers the changes that were shown, never ones that appeared since.
 */
public record DestructiveApproval(boolean any, String digest) {
    public static final DestructiveApproval NONE = new DestructiveApproval(false, null);
    public static final DestructiveApproval ANY = new DestructiveApproval(true, null);

    public static DestructiveApproval of(String digest) {
        if (digest == null || digest.isBlank()) throw new IllegalArgumentException("an approval names the digest of the changes approved");
        return new DestructiveApproval(false, digest);
    }

    public static DestructiveApproval of(boolean approveDestructive) {
        return approveDestructive ? ANY : NONE;
    }

    public boolean covers(List<Change> destructive) {
        return destructive.isEmpty() || any || Objects.equals(digest, digest(destructive));
    }

    /**
     * The SHA-256 of a set of destructive changes: each change's layer-independent identity (logical id,
     * action, live physical id) and its differences, sorted, so the same set always has the same digest
     * and any other set (another resource, another target value, another live resource) has another.
     */
    public static String digest(List<Change> destructive) {
        String canonical = destructive.stream().filter(Change::destructive)
                .map(c -> c.logicalId() + "|" + c.action() + "|" + c.physicalId() + "|" + c.differences().stream()
                        .map(d -> d.path() + "=" + d.expected() + "<" + d.actual()).sorted().collect(Collectors.joining(";")))
                .sorted().collect(Collectors.joining("\n"));
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
