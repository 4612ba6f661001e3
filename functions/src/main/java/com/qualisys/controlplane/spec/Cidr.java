package com.qualisys.controlplane.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An IPv4 CIDR block; parse is strict (no host bits set, octets 0-255). */
public record Cidr(long network, int prefix) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    public static Optional<Cidr> parse(String text) {
        if (text == null) return Optional.empty();
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) return Optional.empty();
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) return Optional.empty();
            address = (address << 8) | octet;
        }
        int prefix = Integer.parseInt(m.group(5));
        if (prefix > 32) return Optional.empty();
        if ((address & ~mask(prefix) & 0xFFFFFFFFL) != 0) return Optional.empty();
        return Optional.of(new Cidr(address, prefix));
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public long first() {
        return network;
    }

    public long last() {
        return network | (~mask(prefix) & 0xFFFFFFFFL);
    }

    public boolean contains(Cidr other) {
        return other.first() >= first() && other.last() <= last();
    }

    public boolean overlaps(Cidr other) {
        return other.first() <= last() && first() <= other.last();
    }
}
