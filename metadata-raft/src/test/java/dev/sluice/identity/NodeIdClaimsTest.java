package dev.sluice.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which data directory holds a node id: the first live one, until it falls silent for the holder timeout. */
class NodeIdClaimsTest {
    private static final long TIMEOUT_MS = 2000;
    private final NodeIdClaims claims = new NodeIdClaims(TIMEOUT_MS);

    @Test
    void theFirstDirectoryHoldsTheIdWhileItKeepsSending() {
        assertThat(claims.refresh(2, "a", 0)).isEqualTo(NodeIdClaims.Verdict.TAKEN_OVER);
        assertThat(claims.refresh(2, "a", 1000)).isEqualTo(NodeIdClaims.Verdict.HELD);
        assertThat(claims.refresh(2, "b", 1000 + TIMEOUT_MS)).as("the holder was seen exactly a timeout ago")
                .isEqualTo(NodeIdClaims.Verdict.REFUSED);
        assertThat(claims.check(2, "b", 1000 + TIMEOUT_MS)).isEqualTo(NodeIdClaims.Verdict.REFUSED);
        assertThat(claims.refresh(2, "a", 2500)).isEqualTo(NodeIdClaims.Verdict.HELD);
        assertThat(claims.refresh(2, "b", 2500 + TIMEOUT_MS)).as("refusals do not keep a claim alive")
                .isEqualTo(NodeIdClaims.Verdict.REFUSED);
        assertThat(claims.holder(2)).isEqualTo("a");
        assertThat(claims.holderSilenceMs(2, 3000)).isEqualTo(500);
    }

    @Test
    void aNewDirectoryTakesOverFromASilentHolder() {
        claims.refresh(2, "a", 0);
        assertThat(claims.refresh(2, "b", TIMEOUT_MS + 1)).isEqualTo(NodeIdClaims.Verdict.TAKEN_OVER);
        assertThat(claims.holder(2)).isEqualTo("b");
        assertThat(claims.refresh(2, "a", TIMEOUT_MS + 2)).as("the old directory coming back is now the second one")
                .isEqualTo(NodeIdClaims.Verdict.REFUSED);
    }

    @Test
    void checksNeverTakeAnIdAndIdsAreIndependent() {
        assertThat(claims.check(2, "a", 0)).isEqualTo(NodeIdClaims.Verdict.HELD);
        assertThat(claims.holder(2)).isNull();
        assertThat(claims.holderSilenceMs(2, 0)).isEqualTo(-1);
        claims.refresh(2, "a", 0);
        assertThat(claims.refresh(3, "b", 0)).isEqualTo(NodeIdClaims.Verdict.TAKEN_OVER);
        assertThat(claims.check(2, "a", 10)).isEqualTo(NodeIdClaims.Verdict.HELD);
    }
}
