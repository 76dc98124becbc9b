package dev.sluice.security.scram;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * The client side of one SCRAM exchange (RFC 5802 section 5): client-first, then client-final from server-first,
 * then the check of server-final, which proves the server holds the user's ServerKey. Pure: the client nonce comes
 * from the caller. One exchange per instance; one thread.
 */
public final class ScramClientExchange {
    private static final String GS2_HEADER = "n,,";

    private final ScramMechanism mechanism;
    private final String user;
    private final char[] password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClientExchange(ScramMechanism mechanism, String user, char[] password, String clientNonce) {
        this.mechanism = mechanism;
        this.user = user;
        this.password = password.clone();
        this.clientNonce = clientNonce;
    }

    public String clientFirst() {
        clientFirstBare = "n=" + ScramMessages.escapeName(user) + ",r=" + clientNonce;
        return GS2_HEADER + clientFirstBare;
    }

    /** Answers server-first with client-final; a server nonce not extending ours or too few iterations throw. */
    public String handleServerFirst(String serverFirst) {
        if (clientFirstBare == null) {
            throw new IllegalStateException("client-first not sent yet");
        }
        Map<String, String> attributes = ScramMessages.attributes(serverFirst);
        String nonce = ScramMessages.required(attributes, "r");
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new ScramException("the server's SCRAM nonce does not extend the client's");
        }
        byte[] salt;
        int iterations;
        try {
            salt = Base64.getDecoder().decode(ScramMessages.required(attributes, "s"));
            iterations = Integer.parseInt(ScramMessages.required(attributes, "i"));
        } catch (IllegalArgumentException e) {
            throw new ScramException("malformed SCRAM server-first message");
        }
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new ScramException("the server asks for " + iterations + " SCRAM iterations, fewer than "
                    + ScramMechanism.MIN_ITERATIONS);
        }
        byte[] saltedPassword = mechanism.hi(new String(password).getBytes(StandardCharsets.UTF_8), salt, iterations);
        byte[] clientKey = mechanism.hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] serverKey = mechanism.hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = mechanism.hmac(mechanism.hash(clientKey), authMessage);
        expectedServerSignature = mechanism.hmac(serverKey, authMessage);
        byte[] proof = ScramMechanism.xor(clientKey, clientSignature);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** Checks server-final; throws when the server did not prove it knows the credential or refused. */
    public void handleServerFinal(String serverFinal) {
        if (expectedServerSignature == null) {
            throw new IllegalStateException("client-final not sent yet");
        }
        Map<String, String> attributes = ScramMessages.attributes(serverFinal);
        if (attributes.containsKey("e")) {
            throw new ScramException("the server refused the SCRAM exchange: " + attributes.get("e"));
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(ScramMessages.required(attributes, "v"));
        } catch (IllegalArgumentException e) {
            throw new ScramException("malformed SCRAM server-final message");
        }
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new ScramException("the server's SCRAM signature is wrong: it does not hold the user's credential");
        }
    }
}
