package org.haap.core.relay;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts every {@link RelayListener} callback per direction. */
final class RecordingListener implements RelayListener {

    final Map<Direction, AtomicLong> bytes = new EnumMap<>(Direction.class);
    final Map<Direction, AtomicInteger> paused = new EnumMap<>(Direction.class);
    final Map<Direction, AtomicInteger> resumed = new EnumMap<>(Direction.class);

    RecordingListener() {
        for (Direction d : Direction.values()) {
            bytes.put(d, new AtomicLong());
            paused.put(d, new AtomicInteger());
            resumed.put(d, new AtomicInteger());
        }
    }

    @Override
    public void onBytes(Direction dir, long n) {
        bytes.get(dir).addAndGet(n);
    }

    @Override
    public void onPausedReading(Direction dir) {
        paused.get(dir).incrementAndGet();
    }

    @Override
    public void onResumedReading(Direction dir) {
        resumed.get(dir).incrementAndGet();
    }
}
