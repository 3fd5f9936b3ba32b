package dev.lifeboat.schedules;

import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.listeners.TriggerListenerSupport;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which trigger missed which time, so that the catch-up run is recorded as a
 * misfire of that time. Quartz reports the trigger as it was before it moved it to "now".
 */
final class MisfireNotes extends TriggerListenerSupport {

    private final Map<TriggerKey, Instant> missed = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return "lifeboat-misfires";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        if (trigger.getNextFireTime() != null) {
            missed.put(trigger.getKey(), trigger.getNextFireTime().toInstant());
        }
    }

    Instant take(TriggerKey key) {
        return missed.remove(key);
    }
}
