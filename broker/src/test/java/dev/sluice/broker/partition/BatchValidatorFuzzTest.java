package dev.sluice.broker.partition;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.proto.internal.v1.RecordBatchView;

/**
 * Fuzz tests of {@link BatchValidator} (and through it {@link RecordsCheck}, {@code BatchCompression} and
 * {@code Lz4FrameDecoder}). Oracles: any input is either refused with a typed {@link ValidationResult.Invalid} (one of
 * the four documented codes, with a message) or accepted, and never makes the validator throw; an accepted batch is
 * one the broker can serve ({@link ServedBatch}); a batch built without defects is accepted.
 *
 * <p>Regression mode (every test run) replays the seeds in {@code BatchValidatorFuzzTestInputs/}; fuzzing mode:
 * {@code tools/fuzz.sh --target BatchValidatorFuzzTest}.
 */
class BatchValidatorFuzzTest {
    /** Small enough that a decompression bomb costs at most 4 MiB per run, as 64 x this is the bound. */
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /** The bytes of a Produce request's batch, as the broker parses them. */
    @FuzzTest(maxDuration = "10m")
    void batchBytes(byte[] bytes) {
        RecordBatchView batch = ServedBatch.parseOrNull(bytes);
        if (batch != null) {
            judge(BatchValidator.validate(batch, MAX_MESSAGE_BYTES));
        }
    }

    /** Batches built like a client builds them, every codec compressing for real, with occasional defects. */
    @FuzzTest(maxDuration = "10m")
    void builtBatch(FuzzedDataProvider data) {
        int maxMessageBytes = data.consumeInt(64, MAX_MESSAGE_BYTES);
        FuzzedBatch built = FuzzedBatch.build(data, maxMessageBytes);
        ValidationResult result = BatchValidator.validate(built.batch(), maxMessageBytes);
        if (built.clean() && result instanceof ValidationResult.Invalid invalid) {
            throw new AssertionError("a batch without defects was refused: " + invalid);
        }
        judge(result);
    }

    private static void judge(ValidationResult result) {
        ServedBatch.judge(result);
    }
}
