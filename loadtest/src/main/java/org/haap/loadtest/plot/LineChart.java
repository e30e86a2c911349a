package org.haap.loadtest.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line chart: one line per {@link Series} over numeric x values, each point with a
 * whisker from {@code low} to {@code high}; NaN points are left out (the line breaks
 * there). Rendered as a PNG with {@link #png}.
 */
public final class LineChart {

    /** One point: the line goes through {@code y}; the whisker spans {@code low..high}. */
    public record Point(double x, double y, double low, double high) {
    }

    /** One line with its legend name. */
    public record Series(String name, List<Point> points) {
        public Series {
            Objects.requireNonNull(name, "name");
            points = List.copyOf(points);
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
    }

    /** Adds a line. */
    public LineChart add(Series s) {
        series.add(Objects.requireNonNull(s, "series"));
        return this;
    }

    /** The chart as a PNG of {@code width x height} pixels. */
    public byte[] png(int width, int height) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                xMin = Math.min(xMin, p.x());
                xMax = Math.max(xMax, p.x());
                for (double v : new double[] {p.y(), p.high()}) {
                    if (Double.isFinite(v)) {
                        yMax = Math.max(yMax, v);
                    }
                }
            }
        }
        if (!(xMin <= xMax)) {
            xMin = 0;
            xMax = 1;
        } else if (xMin == xMax) {
            xMax = xMin + 1;
        }
        Frame f = new Frame(width, height, title, yLabel, yMax * 1.05);
        int left = f.plotLeft() + 20;
        int right = f.plotRight() - 20;
        double x0 = xMin;
        double span = xMax - xMin;
        java.util.function.DoubleToIntFunction px = x -> (int) Math.round(left + (x - x0) / span * (right - left));
        // x ticks at every distinct x of the data
        List<Double> xs = new ArrayList<>();
        series.forEach(s -> s.points().forEach(p -> {
            if (!xs.contains(p.x())) {
                xs.add(p.x());
            }
        }));
        f.g.setColor(Color.BLACK);
        for (double x : xs) {
            int p = px.applyAsInt(x);
            f.g.drawLine(p, f.plotBottom(), p, f.plotBottom() + 5);
            f.centered(Frame.tickLabel(x), p, f.plotBottom() + 20);
        }
        f.xLabel(xLabel);
        List<Color> colors = Frame.colors(series.size());
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            Color c = colors.get(i);
            int shift = (i - (series.size() - 1) / 2) * 4; // whiskers of different series side by side
            f.g.setColor(c);
            int[] prev = null;
            for (Point p : s.points()) {
                if (!Double.isFinite(p.y())) {
                    prev = null;
                    continue;
                }
                int x = px.applyAsInt(p.x()) + shift;
                int y = f.y(p.y());
                if (Double.isFinite(p.low()) && Double.isFinite(p.high())) {
                    f.g.setStroke(new BasicStroke(1.2f));
                    f.g.drawLine(x, f.y(p.low()), x, f.y(p.high()));
                    f.g.drawLine(x - 4, f.y(p.low()), x + 4, f.y(p.low()));
                    f.g.drawLine(x - 4, f.y(p.high()), x + 4, f.y(p.high()));
                }
                f.g.setStroke(new BasicStroke(2.2f));
                if (prev != null) {
                    f.g.drawLine(prev[0], prev[1], x, y);
                }
                f.g.fillOval(x - 4, y - 4, 9, 9);
                prev = new int[] {x, y};
            }
        }
        f.g.setStroke(new BasicStroke(1f));
        f.legend(series.stream().map(Series::name).toList(), colors);
        return f.png();
    }
}
