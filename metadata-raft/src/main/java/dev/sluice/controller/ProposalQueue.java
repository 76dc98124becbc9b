package dev.sluice.controller;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The proposals in flight, in log order; completed strictly in that order. Controller thread. */
final class ProposalQueue {
    private final ArrayDeque<Proposal> inFlight = new ArrayDeque<>();

    void add(Proposal proposal) {
        inFlight.addLast(proposal);
    }

    boolean contains(Proposal proposal) {
        return inFlight.contains(proposal);
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Completes the proposals at the head that the committed image at this offset holds. */
    void completeCommitted(long committedImageOffset) {
        while (!inFlight.isEmpty() && inFlight.peekFirst().isVisibleAt(committedImageOffset)) {
            inFlight.pollFirst().complete();
        }
    }

    void failAll(String message) {
        List<Proposal> failed = new ArrayList<>(inFlight);
        inFlight.clear();
        failed.forEach(proposal -> proposal.fail(message));
    }
}
