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
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * The parts every chart shares: a white image with a title, a plot area with a y axis
 * (0 up to a rounded maximum, with ticks and grid lines) and axis labels, a palette, the
 * legend and PNG encoding. The x axis is drawn by each chart.
 */
final class Frame {

    static final Color[] PALETTE = {
        new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C),
        new Color(0x94, 0x67, 0xBD), new Color(0xFF, 0x7F, 0x0E), new Color(0x8C, 0x56, 0x4B),
        new Color(0x7F, 0x7F, 0x7F), new Color(0x17, 0xBE, 0xCF),
    };
    static final int LEFT = 80;
    static final int RIGHT = 30;
    static final int TOP = 50;
    static final int BOTTOM = 70;

    final BufferedImage image;
    final Graphics2D g;
    final int width;
    final int height;
    final double yMax;

    /** Starts an image of {@code width x height} with {@code title}, y labelled from 0 to about {@code maxValue}. */
    Frame(int width, int height, String title, String yLabel, double maxValue) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("size: " + width + "x" + height + " (expected: >= 200x150)");
        }
        System.setProperty("java.awt.headless", "true");
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        this.yMax = niceCeiling(maxValue);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        centered(title, width / 2, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        yAxis(yLabel);
    }

    int plotLeft() {
        return LEFT;
    }

    int plotRight() {
        return width - RIGHT;
    }

    int plotTop() {
        return TOP;
    }

    int plotBottom() {
        return height - BOTTOM;
    }

    /** The pixel row of value {@code v} (clamped into the plot area). */
    int y(double v) {
        double f = Math.max(0, Math.min(1, v / yMax));
        return (int) Math.round(plotBottom() - f * (plotBottom() - plotTop()));
    }

    private void yAxis(String label) {
        double step = yMax / 5;
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i <= 5; i++) {
            double v = step * i;
            int py = y(v);
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(plotLeft(), py, plotRight(), py);
            g.setColor(Color.BLACK);
            g.drawLine(plotLeft() - 5, py, plotLeft(), py);
            String text = tickLabel(v);
            g.drawString(text, plotLeft() - 8 - fm.stringWidth(text), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(plotLeft(), plotTop(), plotLeft(), plotBottom());
        g.drawLine(plotLeft(), plotBottom(), plotRight(), plotBottom());
        g.setStroke(new BasicStroke(1f));
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(label, -(plotTop() + plotBottom()) / 2, 20);
        g.setTransform(saved);
    }

    /** The x-axis label under the tick labels. */
    void xLabel(String label) {
        g.setColor(Color.BLACK);
        centered(label, (plotLeft() + plotRight()) / 2, height - 18);
    }

    /** Draws {@code text} centred on {@code x}, baseline at {@code y}. */
    void centered(String text, int x, int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }

    /** A legend box in the top-left corner of the plot area: one colour swatch per name. */
    void legend(List<String> names, List<Color> colors) {
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (String n : names) {
            w = Math.max(w, fm.stringWidth(n));
        }
        int lineH = fm.getHeight() + 2;
        int x = plotLeft() + 12;
        int y = plotTop() + 8;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x, y, w + 40, lineH * names.size() + 8);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w + 40, lineH * names.size() + 8);
        for (int i = 0; i < names.size(); i++) {
            int ly = y + 4 + lineH * i + lineH / 2;
            g.setColor(colors.get(i));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(x + 6, ly, x + 26, ly);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 32, ly + fm.getAscent() / 2 - 1);
        }
    }

    /** The finished image as PNG bytes; the graphics are disposed. */
    byte[] png() {
        g.dispose();
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

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code v} (1 when v &lt;= 0 or NaN). */
    static double niceCeiling(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String tickLabel(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v < 1 ? "%.2f" : "%.1f", v);
    }

    static List<Color> colors(int n) {
        List<Color> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(PALETTE[i % PALETTE.length]);
        }
        return out;
    }
}
