package dev.sluice.broker.group.classic;

import java.util.concurrent.CompletableFuture;

/** One member of a classic group. Mutable; owned by its {@link ClassicGroup}. Times: the injected clock's ms. */
final class ClassicMember {
    final String memberId;
    final String instanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    String protocolType;
    ClassicJoin latestJoin;
    long lastHeartbeatMs;
    /** The JoinGroup waiting for the rebalance to complete; null when the member has not rejoined this round. */
    CompletableFuture<JoinOutcome> awaitingJoin;
    /** The SyncGroup waiting for the leader's assignment. */
    CompletableFuture<SyncOutcome> awaitingSync;
    /** Whether the member sent SyncGroup in the current generation. */
    boolean synced;
    byte[] assignment = new byte[0];

    ClassicMember(String memberId, ClassicJoin join) {
        this.memberId = memberId;
        this.instanceId = join.instanceId();
        update(join);
    }

    void update(ClassicJoin join) {
        clientId = join.clientId();
        clientHost = join.clientHost();
        sessionTimeoutMs = join.sessionTimeoutMs();
        rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        protocolType = join.protocolType();
        latestJoin = join;
    }

    boolean isStatic() {
        return !instanceId.isEmpty();
    }

    boolean supports(String protocol) {
        return latestJoin.protocols().stream().anyMatch(p -> p.name().equals(protocol));
    }

    boolean sameProtocols(ClassicJoin join) {
        if (join.protocols().size() != latestJoin.protocols().size()) {
            return false;
        }
        for (int i = 0; i < join.protocols().size(); i++) {
            ClassicJoin.Protocol a = join.protocols().get(i);
            ClassicJoin.Protocol b = latestJoin.protocols().get(i);
            if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }
}
