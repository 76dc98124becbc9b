package dev.sluice.metadata;

import com.google.protobuf.ByteString;
import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramMechanism;
import java.util.Optional;

/**
 * Conversion between SCRAM credentials and their protobuf form (auth.proto). A malformed credential (fewer than
 * 4096 iterations, an empty key, no mechanism) is refused with {@link IllegalArgumentException}, whose message names
 * no key. Stateless.
 */
public final class ScramProtos {
    private ScramProtos() {
    }

    public static Optional<ScramMechanism> toModel(dev.sluice.proto.v1.ScramMechanism mechanism) {
        return switch (mechanism) {
            case SCRAM_SHA_256 -> Optional.of(ScramMechanism.SCRAM_SHA_256);
            case SCRAM_SHA_512 -> Optional.of(ScramMechanism.SCRAM_SHA_512);
            case SCRAM_MECHANISM_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
        };
    }

    public static dev.sluice.proto.v1.ScramMechanism toProto(ScramMechanism mechanism) {
        return switch (mechanism) {
            case SCRAM_SHA_256 -> dev.sluice.proto.v1.ScramMechanism.SCRAM_SHA_256;
            case SCRAM_SHA_512 -> dev.sluice.proto.v1.ScramMechanism.SCRAM_SHA_512;
        };
    }

    public static ScramCredential toModel(dev.sluice.proto.v1.ScramCredential proto) {
        ScramMechanism mechanism = toModel(proto.getMechanism())
                .orElseThrow(() -> new IllegalArgumentException("no SCRAM mechanism"));
        if (proto.getUser().isEmpty()) {
            throw new IllegalArgumentException("no user name");
        }
        return new ScramCredential(mechanism, proto.getSalt().toByteArray(), proto.getIterations(),
                proto.getStoredKey().toByteArray(), proto.getServerKey().toByteArray());
    }

    public static dev.sluice.proto.v1.ScramCredential toProto(String user, ScramCredential credential) {
        return dev.sluice.proto.v1.ScramCredential.newBuilder().setUser(user)
                .setMechanism(toProto(credential.mechanism())).setSalt(ByteString.copyFrom(credential.salt()))
                .setIterations(credential.iterations()).setStoredKey(ByteString.copyFrom(credential.storedKey()))
                .setServerKey(ByteString.copyFrom(credential.serverKey())).build();
    }
}
