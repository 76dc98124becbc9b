package dev.sluice.security;

/**
 * A TLS setting or file that cannot be used: a missing or unreadable file, PEM that does not parse, a key that does
 * not belong to its certificate. The message names the file (never its contents, which may be a private key) and
 * what to do about it.
 */
public final class TlsConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
