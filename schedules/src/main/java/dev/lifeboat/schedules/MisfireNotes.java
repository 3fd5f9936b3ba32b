package dev.lifeboat.schedules;

import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.listeners.TriggerListenerSupport;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which trigger missed which time, so that the catch-up run is recorded as a
 * misfire of that time. Quartz reports the trigger as it was before it moved it to "now".
 *
 * <p>In a cluster the daemon that handles a misfire is not always the one that fires the
 * catch-up run, so a note names the trigger's previous firing too: a note whose trigger has
 * fired since (elsewhere) is stale and dropped, never pinned on a later run.
 */
final class MisfireNotes extends TriggerListenerSupport {

    private record Note(Instant missed, Instant previousFire) {
    }

    private final Map<TriggerKey, Note> notes = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return "lifeboat-misfires";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        if (trigger.getNextFireTime() != null) {
            Note note = new Note(trigger.getNextFireTime().toInstant(), instant(trigger.getPreviousFireTime()));
            // missed again before it fired: the run still makes up for the first time it missed
            notes.merge(trigger.getKey(), note, (old, fresh) -> Objects.equals(old.previousFire(), fresh.previousFire()) ? old : fresh);
        }
    }

    /** The time a firing makes up for, when this daemon noted its misfire; {@code previousFire} is the trigger's firing before this one. */
    Instant take(TriggerKey key, Date previousFire) {
        Note note = notes.remove(key);
        return note != null && Objects.equals(note.previousFire(), instant(previousFire)) ? note.missed() : null;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
