package org.haap.loadtest.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A bar chart: one bar per {@link Bar} (its value, printed above it) and a horizontal mark
 * at a second value (e.g. the 99th percentile), labelled on the x axis. NaN values draw no
 * bar. Rendered as a PNG with {@link #png}.
 */
public final class BarChart {

    /** One bar: {@code value} is its height, {@code mark} a tick drawn across it (NaN = none). */
    public record Bar(String label, double value, double mark) {
        public Bar {
            Objects.requireNonNull(label, "label");
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final String valueName;
    private final String markName;
    private final List<Bar> bars = new ArrayList<>();

    /**
     * @param valueName what the bars show, for the legend (e.g. "median")
     * @param markName  what the marks show, for the legend (e.g. "p99")
     */
    public BarChart(String title, String xLabel, String yLabel, String valueName, String markName) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
        this.valueName = Objects.requireNonNull(valueName, "valueName");
        this.markName = Objects.requireNonNull(markName, "markName");
    }

    /** Adds a bar. */
    public BarChart add(Bar b) {
        bars.add(Objects.requireNonNull(b, "bar"));
        return this;
    }

    /** The chart as a PNG of {@code width x height} pixels. */
    public byte[] png(int width, int height) {
        double max = 0;
        for (Bar b : bars) {
            for (double v : new double[] {b.value(), b.mark()}) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        Frame f = new Frame(width, height, title, yLabel, max * 1.1);
        f.xLabel(xLabel);
        int n = Math.max(1, bars.size());
        double slot = (f.plotRight() - f.plotLeft()) / (double) n;
        int barWidth = (int) Math.max(4, slot * 0.6);
        Color barColor = Frame.PALETTE[1];
        Color markColor = Frame.PALETTE[0];
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int cx = (int) Math.round(f.plotLeft() + slot * (i + 0.5));
            f.g.setColor(Color.BLACK);
            f.centered(b.label(), cx, f.plotBottom() + 20);
            if (Double.isFinite(b.value())) {
                int top = f.y(b.value());
                f.g.setColor(barColor);
                f.g.fillRect(cx - barWidth / 2, top, barWidth, f.plotBottom() - top);
                f.g.setColor(Color.BLACK);
                f.centered(Frame.tickLabel(Math.round(b.value())), cx, top - 4);
            }
            if (Double.isFinite(b.mark())) {
                int my = f.y(b.mark());
                f.g.setColor(markColor);
                f.g.setStroke(new BasicStroke(3f));
                f.g.drawLine(cx - barWidth / 2 - 4, my, cx + barWidth / 2 + 4, my);
                f.g.setStroke(new BasicStroke(1f));
            }
        }
        f.legend(List.of(valueName, markName), List.of(barColor, markColor));
        return f.png();
    }
}
