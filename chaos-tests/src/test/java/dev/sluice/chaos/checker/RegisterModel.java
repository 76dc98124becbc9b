package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import java.util.Optional;

/**
 * A read/write register starting at 0, to show {@link LinearizabilityChecker} is not tied to topics: {@code write}
 * invokes with {@code value}; {@code read} completes ok with {@code value}.
 */
final class RegisterModel implements Model<Long> {
    static final String WRITE = "write";
    static final String READ = "read";

    @Override
    public Long initial() {
        return 0L;
    }

    @Override
    public Optional<Long> step(Long state, Op invoke, Op completion) {
        if (invoke.f().equals(WRITE)) {
            return Optional.of(invoke.longValue("value"));
        }
        if (completion == null || completion.longValue("value") == state) {
            return Optional.of(state);
        }
        return Optional.empty();
    }
}
