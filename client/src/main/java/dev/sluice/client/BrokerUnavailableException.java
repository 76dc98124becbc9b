package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * A broker could not be reached (gRPC status UNAVAILABLE: connection refused, unknown host, reset, a failed TLS
 * handshake, whose reason the message gives).
 * No broker answered, so the error code is {@link ErrorCode#UNKNOWN_SERVER_ERROR}; the message names
 * the address on one line.
 */
public class BrokerUnavailableException extends RetriableException {
    private final String address;

    public BrokerUnavailableException(String address, Throwable cause) {
        super(ErrorCode.UNKNOWN_SERVER_ERROR, "broker " + address + " is unreachable" + tlsReason(cause), cause);
        this.address = address;
    }

    /**
     * Why the TLS handshake failed, when it did (a certificate not trusted, a name not matching, a client certificate
     * missing or refused): the one thing an operator needs from a long cause chain.
     */
    private static String tlsReason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                // The engine's own message is often generic ("General OpenSslEngine problem"); the root cause (e.g.
                // "PKIX path building failed", "No subject alternative names matching ...") says what is wrong.
                Throwable root = t;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return " (TLS handshake failed: " + root.getMessage() + ")";
            }
        }
        return "";
    }

    /** The {@code host:port} that could not be reached. */
    public String address() {
        return address;
    }
}
