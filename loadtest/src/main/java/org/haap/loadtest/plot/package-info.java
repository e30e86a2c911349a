/**
 * PNG charts of load-test results drawn with {@code java.awt} in headless mode (no
 * dependency beyond the JDK): a {@link org.haap.loadtest.plot.LineChart} (one line per
 * series with low-high whiskers, as in a figure of setup time against loss) and a
 * {@link org.haap.loadtest.plot.BarChart} (one bar per category with a mark, as in a
 * figure of page-load time per mode). Both have axes with ticks, labels and a legend. A
 * {@link org.haap.loadtest.plot.TimeSeriesPanels} draws rates over time in a grid of
 * panels with event markers (goodput per WAN around a fault).
 */
package org.haap.loadtest.plot;
