package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimerQueueWarmupTest {
    @Test
    void theLoopsTimerQueueIsGrownToRushSizeAndLeftEmptyWhileLaterTimersStillRun() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            CompletableFuture<int[]> seen = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    InitialPeek.growTimerQueue(loop, 3000);
                    Object queue = field(io.netty.util.concurrent.AbstractScheduledEventExecutor.class, "scheduledTaskQueue").get(loop);
                    Object[] array = (Object[]) field(queue.getClass(), "queue").get(queue);
                    seen.complete(new int[] {((java.util.Collection<?>) queue).size(), array.length});
                } catch (ReflectiveOperationException e) {
                    seen.completeExceptionally(e);
                }
            });
            int[] sizeAndCapacity = seen.get(30, TimeUnit.SECONDS);
            assertThat(sizeAndCapacity[0]).as("timers left queued").isZero();
            assertThat(sizeAndCapacity[1]).as("queue capacity").isGreaterThanOrEqualTo(3000);
            CompletableFuture<Boolean> ran = new CompletableFuture<>();
            loop.schedule(() -> ran.complete(true), 10, TimeUnit.MILLISECONDS);
            assertThat(ran.get(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
