package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Host comparison without lookups: only what is certain is judged. */
class VoterAddressCheckTest {
    @Test
    void differentLiteralsDiffer() {
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("127.0.0.1", "127.0.0.2")).isTrue();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("10.0.0.1", "::1")).isTrue();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("::1", "0:0:0:0:0:0:0:1")).as("one address").isFalse();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("[::1]", "::1")).isFalse();
    }

    @Test
    void loopbackAgainstAnotherLiteralDiffers() {
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("localhost", "10.0.0.1")).isTrue();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("10.0.0.1", "LOCALHOST")).isTrue();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("localhost", "127.0.0.1")).isFalse();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("127.0.0.5", "localhost")).as("may resolve anywhere in 127/8")
                .isFalse();
    }

    @Test
    void namesAndTheWildcardAreNotJudged() {
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("node-1.example", "10.0.0.1")).isFalse();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("10.0.0.1", "node-1.example")).isFalse();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("0.0.0.0", "10.0.0.1")).isFalse();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("::", "10.0.0.1")).isFalse();
        assertThat(VoterAddressCheck.hostsCertainlyDiffer("localhost", "node-1.example")).isFalse();
    }
}
