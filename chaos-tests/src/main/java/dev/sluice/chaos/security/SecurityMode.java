package dev.sluice.chaos.security;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a chaos run secures its cluster ({@code run.sh --security}): {@link #PLAINTEXT} (no TLS, no authentication), or
 * {@link #TLS_SCRAM}: mutual TLS between the nodes, TLS for every client, SCRAM users for the workloads and ACLs
 * ({@link TlsScramSecurity}).
 */
public enum SecurityMode {
    PLAINTEXT, TLS_SCRAM;

    /** {@code plaintext} or {@code tls-scram}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SecurityMode parse(String text) {
        return Arrays.stream(values()).filter(mode -> mode.label().equals(text.trim().toLowerCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown security mode '" + text
                        + "'; known: plaintext, tls-scram"));
    }
}
