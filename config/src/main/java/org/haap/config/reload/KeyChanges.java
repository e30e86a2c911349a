package org.haap.config.reload;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The keys a re-read configuration changes, sorted into those a service applies while running
 * ({@link #reloadable}) and those it reads at start only ({@link #startOnly}), in the order
 * they are compared. A plan function compares every key once, then builds its
 * {@link ConfigReloader.Plan} with {@link #plan}.
 */
public final class KeyChanges {

    private final List<String> changed = new ArrayList<>();
    private final List<String> needRestart = new ArrayList<>();

    /** Notes {@code key} as changed when {@code running} and {@code loaded} differ; it is applied. */
    public KeyChanges reloadable(String key, Object running, Object loaded) {
        if (!Objects.equals(running, loaded)) {
            changed.add(key);
        }
        return this;
    }

    /** Notes {@code key} as needing a restart when {@code running} and {@code loaded} differ. */
    public KeyChanges startOnly(String key, Object running, Object loaded) {
        if (!Objects.equals(running, loaded)) {
            needRestart.add(key);
        }
        return this;
    }

    /** The plan that applies {@code applied}, naming the keys noted so far. */
    public <C> ConfigReloader.Plan<C> plan(C applied) {
        return new ConfigReloader.Plan<>(applied, changed, needRestart);
    }

    /** The start-only keys that changed. */
    public List<String> needRestart() {
        return List.copyOf(needRestart);
    }
}
