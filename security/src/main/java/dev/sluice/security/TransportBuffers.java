package dev.sluice.security;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.AdaptiveByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

/**
 * The direct buffers every gRPC channel and server of the process reads and writes its messages with: Netty's adaptive
 * allocator, which keeps its chunks for reuse (Netty 4.2 makes it its default). It lives here, with the rest of the
 * transport setup shared by clients and nodes.
 *
 * <p>Why not gRPC's default, a pooled allocator with 2 MiB chunks: it frees a chunk as soon as the chunk is empty.
 * A fetch response is written in 1 MiB buffers and read back through growing ones, so under a consumer each response
 * took fresh chunks, which the JDK zeroes. On a broker serving a consumer that zeroing was a third of its CPU, in some
 * runs and not in others (docs/performance.md).
 */
public final class TransportBuffers {

    private static final ByteBufAllocator ALLOCATOR = new AdaptiveByteBufAllocator(true);

    private TransportBuffers() {
    }

    /** {@code builder}, whose accepted connections use the shared allocator. */
    public static NettyServerBuilder use(NettyServerBuilder builder) {
        return builder.withChildOption(ChannelOption.ALLOCATOR, ALLOCATOR);
    }

    /** {@code builder}, whose connection uses the shared allocator. */
    public static NettyChannelBuilder use(NettyChannelBuilder builder) {
        return builder.withOption(ChannelOption.ALLOCATOR, ALLOCATOR);
    }
}
