package dev.sluice.security.scram;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The server side of one SCRAM exchange (RFC 5802 section 5): client-first to server-first, then client-final to
 * server-final. A user without a credential gets a decoy challenge (a salt derived from the user name and a
 * per-node secret) and then the same refusal as a wrong password, so that the exchange does not tell whether the
 * user exists. Pure: the server nonce and the decoy secret come from the caller. One exchange per instance; the
 * caller serializes its steps.
 */
public final class ScramServerExchange {
    /** The refusal of a wrong password and of an unknown user alike. */
    public static final String FAILED = "authentication failed: unknown user or wrong password";

    private final ScramMechanism mechanism;
    private final Function<String, Optional<ScramCredential>> credentials;
    private final String serverNonce;
    private final byte[] decoySecret;
    private State state = State.INITIAL;
    private String user;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;
    private boolean known;

    private enum State { INITIAL, CHALLENGED, DONE }

    /**
     * @param credentials the credential of a user for this mechanism, empty when there is none
     * @param serverNonce printable characters without a comma (base64 of 24 random bytes)
     * @param decoySecret a random per-node secret for the decoy salts of unknown users
     */
    public ScramServerExchange(ScramMechanism mechanism, Function<String, Optional<ScramCredential>> credentials,
                               String serverNonce, byte[] decoySecret) {
        this.mechanism = mechanism;
        this.credentials = credentials;
        this.serverNonce = serverNonce;
        this.decoySecret = decoySecret.clone();
    }

    /** Answers client-first with server-first. */
    public String handleClientFirst(String clientFirst) {
        if (state != State.INITIAL) {
            throw new ScramException("unexpected SCRAM client-first message");
        }
        state = State.DONE;
        int first = clientFirst.indexOf(',');
        int second = first < 0 ? -1 : clientFirst.indexOf(',', first + 1);
        if (second < 0) {
            throw new ScramException("malformed SCRAM client-first message");
        }
        String flag = clientFirst.substring(0, first);
        if (!flag.equals("n") && !flag.equals("y")) {
            throw new ScramException("SCRAM channel binding is not supported");
        }
        gs2Header = clientFirst.substring(0, second + 1);
        clientFirstBare = clientFirst.substring(second + 1);
        Map<String, String> attributes = ScramMessages.attributes(clientFirstBare);
        user = ScramMessages.unescapeName(ScramMessages.required(attributes, "n"));
        String authorizationId = clientFirst.substring(first + 1, second);
        if (!authorizationId.isEmpty() && !authorizationId.equals("a=" + ScramMessages.escapeName(user))) {
            throw new ScramException("a SCRAM authorization id other than the user is not supported");
        }
        String clientNonce = ScramMessages.required(attributes, "r");
        if (clientNonce.isEmpty() || user.isEmpty()) {
            throw new ScramException("malformed SCRAM client-first message");
        }
        Optional<ScramCredential> found = credentials.apply(user);
        known = found.isPresent();
        credential = found.orElseGet(this::decoy);
        nonce = clientNonce + serverNonce;
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                + credential.iterations();
        state = State.CHALLENGED;
        return serverFirst;
    }

    /**
     * Checks client-final: the server-final message ({@code v=...}) and the user when the proof is right, empty
     * when it is wrong or the user unknown (the caller answers {@link #FAILED}).
     */
    public Optional<Success> handleClientFinal(String clientFinal) {
        if (state != State.CHALLENGED) {
            throw new ScramException("unexpected SCRAM client-final message");
        }
        state = State.DONE;
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new ScramException("malformed SCRAM client-final message");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        Map<String, String> attributes = ScramMessages.attributes(withoutProof);
        String binding = ScramMessages.required(attributes, "c");
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!binding.equals(expectedBinding) || !ScramMessages.required(attributes, "r").equals(nonce)) {
            throw new ScramException("malformed SCRAM client-final message");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw new ScramException("malformed SCRAM client proof");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = credential.storedKey();
        byte[] clientSignature = mechanism.hmac(storedKey, authMessage);
        if (proof.length != clientSignature.length) {
            return Optional.empty();
        }
        byte[] clientKey = ScramMechanism.xor(proof, clientSignature);
        boolean verified = MessageDigest.isEqual(mechanism.hash(clientKey), storedKey);
        if (!verified || !known) {
            return Optional.empty();
        }
        byte[] serverSignature = mechanism.hmac(credential.serverKey(), authMessage);
        return Optional.of(new Success(user, "v=" + Base64.getEncoder().encodeToString(serverSignature)));
    }

    /** The user named in client-first (null before it); for logs, never with any secret. */
    public String user() {
        return user;
    }

    private ScramCredential decoy() {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        byte[] salt = mechanism.hmac(decoySecret, name);
        byte[] key = mechanism.hmac(decoySecret, salt);
        return new ScramCredential(mechanism, salt, ScramMechanism.MIN_ITERATIONS, key, key);
    }

    /** A verified client: its user name and the server-final message proving the server to it. */
    public record Success(String user, String serverFinal) {
    }
}
