package dev.picspace.gateway.top;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Space sizes as Taobao writes them in {@code user_info}: a number and a unit, K, M or G
 * (seed 004: {@code 30M}, {@code 1G}). Units are binary (1K = 1024 bytes); one decimal at most.
 */
public final class SpaceUnits {
    private static final long K = 1024, M = K * 1024, G = M * 1024;

    private SpaceUnits() {}

    public static String format(long bytes) {
        if (bytes >= G) return scaled(bytes, G) + "G";
        if (bytes >= M) return scaled(bytes, M) + "M";
        return scaled(bytes, K) + "K";
    }

    private static String scaled(long bytes, long unit) {
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(unit), 1, RoundingMode.DOWN)
                .stripTrailingZeros().toPlainString();
    }

    /** Parses {@code 100M}, {@code 1.5G}, {@code 512K}, {@code 2048} (bytes). @throws IllegalArgumentException */
    public static long parse(String s) {
        String v = s.trim().toUpperCase(java.util.Locale.ROOT);
        if (v.endsWith("B")) v = v.substring(0, v.length() - 1);
        long unit = 1;
        if (v.endsWith("K")) unit = K;
        else if (v.endsWith("M")) unit = M;
        else if (v.endsWith("G")) unit = G;
        else if (v.endsWith("T")) unit = G * 1024;
        if (unit != 1) v = v.substring(0, v.length() - 1);
        try {
            BigDecimal n = new BigDecimal(v.trim());
            if (n.signum() < 0) throw new IllegalArgumentException("a size cannot be negative: " + s);
            return n.multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + s + "' (use e.g. 100M, 1G, 512K)");
        }
    }
}
