package dev.realtimeharness.fuzz;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what Netty's leak detector reports while a test runs (it logs "LEAK: ..." at ERROR through its logger).
 * The detector reports a leaked buffer only after it was garbage-collected and another buffer is allocated, so
 * {@link #leaks()} collects garbage and allocates before it reads.
 */
final class LeakWatch implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LeakWatch() {
        appender.start();
        logger.addAppender(appender);
    }

    List<String> leaks() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(200);
            for (int i = 0; i < 2000; i++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(256);
                a.release();
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(256);
                b.release();
            }
        }
        synchronized (appender.list) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("LEAK"))
                    .toList();
        }
    }

    static String level() {
        return ResourceLeakDetector.getLevel().name();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
