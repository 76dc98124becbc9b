package dev.sluice.cli.kube;

/** A refusal or an unusable answer of the Kubernetes API server, with a message fit for an operator. */
public final class KubeApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KubeApiException(String message) {
        super(message);
    }

    public KubeApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
