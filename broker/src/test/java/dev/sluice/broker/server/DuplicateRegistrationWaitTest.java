package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A broker refused as a duplicate waits two session timeouts (a dead predecessor's session) before giving up. */
class DuplicateRegistrationWaitTest {
    private static final long SESSION_MS = 6000;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final DuplicateRegistrationWait wait = new DuplicateRegistrationWait(SESSION_MS);

    @Test
    void givesUpOnlyOnceRefusalsOutlastTwoSessionTimeouts() {
        long start = 123_456 * MS;
        assertThat(wait.waiting()).isFalse();
        assertThat(wait.refusedAt(start)).isFalse();
        assertThat(wait.waiting()).isTrue();
        assertThat(wait.refusedAt(start + 2 * SESSION_MS * MS)).isFalse();
        assertThat(wait.refusedForMs(start + 2 * SESSION_MS * MS)).isEqualTo(2 * SESSION_MS);
        assertThat(wait.refusedAt(start + (2 * SESSION_MS + 1) * MS)).isTrue();
        assertThat(wait.limitMs()).isEqualTo(2 * SESSION_MS);
    }

    @Test
    void anyOtherAnswerStartsTheWaitAgain() {
        wait.refusedAt(0);
        wait.reset();
        assertThat(wait.waiting()).isFalse();
        assertThat(wait.refusedForMs(3 * SESSION_MS * MS)).isZero();
        assertThat(wait.refusedAt(3 * SESSION_MS * MS)).as("a new run of refusals").isFalse();
        assertThat(wait.refusedAt(4 * SESSION_MS * MS)).isFalse();
        assertThat(wait.refusedAt(5 * SESSION_MS * MS + MS)).isTrue();
    }
}
