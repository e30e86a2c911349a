package org.haap.loadtest.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.imageio.ImageIO;

/**
 * Time series in a grid of panels that share both axes: each {@link Panel} has its own
 * title, lines (x = time, y = a rate) and vertical markers (events such as a fault and its
 * repair). A line's colour is chosen by its name, the same in every panel, and one legend
 * names them. Rendered as a PNG with {@link #png}.
 */
public final class TimeSeriesPanels {

    /** One line: {@code y[i]} at {@code x[i]}; NaN values are left out (the line breaks there). */
    public record Line(String name, double[] x, double[] y) {
        public Line {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("y: " + y.length + " values (expected: " + x.length + ", as x)");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    /** A vertical line at {@code x}, labelled at its top. */
    public record Marker(String label, double x) {
        public Marker {
            Objects.requireNonNull(label, "label");
        }
    }

    /** One panel of the grid. */
    public record Panel(String title, List<Line> lines, List<Marker> markers) {
        public Panel {
            Objects.requireNonNull(title, "title");
            lines = List.copyOf(lines);
            markers = List.copyOf(markers);
        }
    }

    private static final Color[] LINE_COLORS = {
        new Color(0x20, 0x20, 0x20), Frame.PALETTE[0], Frame.PALETTE[1], Frame.PALETTE[2], Frame.PALETTE[3],
        Frame.PALETTE[4],
    };
    private static final Color MARKER = new Color(0x60, 0x60, 0x60);
    private static final int TITLE_H = 44;
    private static final int LEGEND_H = 26;
    private static final int PAD_LEFT = 62;
    private static final int PAD_RIGHT = 16;
    private static final int PAD_TOP = 26;
    private static final int PAD_BOTTOM = 40;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final int columns;
    private final List<Panel> panels = new ArrayList<>();
    private double yLimit = Double.NaN;

    /** A chart with panels laid out in {@code columns} columns, row by row. */
    public TimeSeriesPanels(String title, String xLabel, String yLabel, int columns) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
        if (columns < 1 || columns > 8) {
            throw new IllegalArgumentException("columns: " + columns + " (expected: 1..8)");
        }
        this.columns = columns;
    }

    /**
     * Caps the y axis at about {@code max} (rounded up to a tick), so that a few short
     * bursts do not flatten the rest; values above it are drawn at the top edge. Without a
     * cap the axis reaches the largest value.
     */
    public TimeSeriesPanels yLimit(double max) {
        if (!(max > 0) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
        }
        this.yLimit = max;
        return this;
    }

    /** Adds a panel. */
    public TimeSeriesPanels add(Panel p) {
        panels.add(Objects.requireNonNull(p, "panel"));
        return this;
    }

    /** The chart as a PNG, each panel {@code panelWidth x panelHeight} pixels. */
    public byte[] png(int panelWidth, int panelHeight) {
        if (panelWidth < 200 || panelHeight < 150) {
            throw new IllegalArgumentException("panel: " + panelWidth + "x" + panelHeight + " (expected: >= 200x150)");
        }
        System.setProperty("java.awt.headless", "true");
        int cols = Math.max(1, Math.min(columns, panels.size()));
        int rows = Math.max(1, (panels.size() + cols - 1) / cols);
        int width = cols * panelWidth;
        int height = TITLE_H + LEGEND_H + rows * panelHeight;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            centered(g, title, width / 2, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            List<String> names = lineNames();
            legend(g, names, width, TITLE_H);
            double xMax = 0;
            double yMax = 0;
            for (Panel p : panels) {
                for (Line l : p.lines()) {
                    for (int i = 0; i < l.x().length; i++) {
                        if (Double.isFinite(l.x()[i])) {
                            xMax = Math.max(xMax, l.x()[i]);
                        }
                        if (Double.isFinite(l.y()[i])) {
                            yMax = Math.max(yMax, l.y()[i]);
                        }
                    }
                }
                for (Marker m : p.markers()) {
                    xMax = Math.max(xMax, m.x());
                }
            }
            double xStep = Frame.niceCeiling(Math.max(xMax, 1e-9) / 8);
            double xTop = Math.max(1, Math.ceil(xMax / xStep - 1e-9)) * xStep;
            double yTop = Frame.niceCeiling(Double.isNaN(yLimit) ? yMax * 1.05 : Math.min(yMax * 1.05, yLimit));
            for (int i = 0; i < panels.size(); i++) {
                int px = (i % cols) * panelWidth;
                int py = TITLE_H + LEGEND_H + (i / cols) * panelHeight;
                panel(g, panels.get(i), names, px, py, panelWidth, panelHeight, xTop, xStep, yTop);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private List<String> lineNames() {
        Set<String> names = new LinkedHashSet<>();
        panels.forEach(p -> p.lines().forEach(l -> names.add(l.name())));
        return List.copyOf(names);
    }

    private void panel(Graphics2D g, Panel p, List<String> names, int ox, int oy, int w, int h, double xTop,
                       double xStep, double yTop) {
        int left = ox + PAD_LEFT;
        int right = ox + w - PAD_RIGHT;
        int top = oy + PAD_TOP;
        int bottom = oy + h - PAD_BOTTOM;
        java.util.function.DoubleToIntFunction sx = x -> (int) Math.round(left + Math.max(0, Math.min(1, x / xTop))
                * (right - left));
        java.util.function.DoubleToIntFunction sy = y -> (int) Math.round(bottom - Math.max(0, Math.min(1, y / yTop))
                * (bottom - top));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.setFont(g.getFont().deriveFont(Font.BOLD));
        centered(g, p.title(), (left + right) / 2, oy + 17);
        g.setFont(g.getFont().deriveFont(Font.PLAIN));
        for (int i = 0; i <= 5; i++) {
            double v = yTop / 5 * i;
            int y = sy.applyAsInt(v);
            g.setColor(new Color(0xE6, 0xE6, 0xE6));
            g.drawLine(left, y, right, y);
            g.setColor(Color.BLACK);
            String t = Frame.tickLabel(v);
            g.drawString(t, left - 6 - fm.stringWidth(t), y + fm.getAscent() / 2 - 1);
        }
        int ticks = (int) Math.round(xTop / xStep);
        for (int i = 0; i <= ticks; i++) {
            int x = sx.applyAsInt(xStep * i);
            g.setColor(Color.BLACK);
            g.drawLine(x, bottom, x, bottom + 4);
            centered(g, Frame.tickLabel(xStep * i), x, bottom + 16);
        }
        centered(g, xLabel, (left + right) / 2, bottom + 32);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, yLabel, -(top + bottom) / 2, ox + 14);
        g.setTransform(saved);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        for (Marker m : p.markers()) {
            int x = sx.applyAsInt(m.x());
            g.setColor(MARKER);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f},
                    0f));
            g.drawLine(x, top, x, bottom);
            g.setStroke(new BasicStroke(1f));
            g.drawString(m.label(), x + 3, top + fm.getAscent());
        }
        for (Line l : p.lines()) {
            g.setColor(color(names.indexOf(l.name())));
            g.setStroke(new BasicStroke(1.6f));
            int[] prev = null;
            for (int i = 0; i < l.x().length; i++) {
                if (!Double.isFinite(l.x()[i]) || !Double.isFinite(l.y()[i])) {
                    prev = null;
                    continue;
                }
                int[] pt = {sx.applyAsInt(l.x()[i]), sy.applyAsInt(l.y()[i])};
                if (prev != null) {
                    g.drawLine(prev[0], prev[1], pt[0], pt[1]);
                }
                prev = pt;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, List<String> names, int width, int y) {
        FontMetrics fm = g.getFontMetrics();
        int total = 0;
        for (String n : names) {
            total += 34 + fm.stringWidth(n) + 18;
        }
        int x = (width - total) / 2;
        int ly = y + LEGEND_H / 2 - 2;
        for (int i = 0; i < names.size(); i++) {
            g.setColor(color(i));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(x, ly, x + 26, ly);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 32, ly + fm.getAscent() / 2 - 1);
            x += 34 + fm.stringWidth(names.get(i)) + 18;
        }
    }

    private static Color color(int i) {
        return LINE_COLORS[Math.floorMod(i, LINE_COLORS.length)];
    }

    private static void centered(Graphics2D g, String text, int x, int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }
}
