package org.haap.loadtest;

import java.util.List;
import java.util.Optional;

import org.haap.loadtest.aggregation.AggregationScenario;
import org.haap.loadtest.aprelay.ApRelayScenario;
import org.haap.loadtest.browser.BrowserScenario;
import org.haap.loadtest.cost.ConnRateScenario;
import org.haap.loadtest.cost.FootprintScenario;
import org.haap.loadtest.cost.IdleConnsScenario;
import org.haap.loadtest.cost.ThroughputScenario;
import org.haap.loadtest.failover.FailoverScenario;
import org.haap.loadtest.pageload.PageLoadScenario;
import org.haap.loadtest.robeloss.RobeLossScenario;
import org.haap.loadtest.soak.SoakScenario;

/** The scenarios the command line knows, in the order {@code --help} lists them. */
public final class Scenarios {

    private Scenarios() {
    }

    /** Every scenario. */
    public static List<Scenario> all() {
        return List.of(new ApRelayScenario(), new RobeLossScenario(), new PageLoadScenario(), new BrowserScenario(),
                new FailoverScenario(),
                new SoakScenario(), new ConnRateScenario(), new IdleConnsScenario(),
                new ThroughputScenario(), new FootprintScenario(), new AggregationScenario(),
                new org.haap.loadtest.scaleout.ScaleOutScenario());
    }

    /** The scenario called {@code name}. */
    public static Optional<Scenario> byName(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
