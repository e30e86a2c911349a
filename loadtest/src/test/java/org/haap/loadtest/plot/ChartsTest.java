package org.haap.loadtest.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class ChartsTest {

    private static BufferedImage decode(byte[] png) throws Exception {
        assertTrue(png.length > 8 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "PNG signature");
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** Pixels of exactly {@code rgb}. */
    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void lineChartHasTheSizeAndDrawsEverySeries() throws Exception {
        LineChart chart = new LineChart("t", "loss (%)", "ms")
                .add(new LineChart.Series("classic", List.of(new LineChart.Point(0, 100, 90, 120),
                        new LineChart.Point(50, 1200, 800, 3000), new LineChart.Point(100, Double.NaN, Double.NaN, Double.NaN))))
                .add(new LineChart.Series("sim", List.of(new LineChart.Point(0, 60, 55, 70),
                        new LineChart.Point(50, 65, 60, 80), new LineChart.Point(100, 70, 60, 90))));
        BufferedImage img = decode(chart.png(800, 500));
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
        int white = count(img, 0xFFFFFF);
        assertTrue(white < 800 * 500 - 5000, "mostly blank: " + white);
        assertTrue(count(img, Frame.PALETTE[0].getRGB() & 0xFFFFFF) > 100, "first series' colour");
        assertTrue(count(img, Frame.PALETTE[1].getRGB() & 0xFFFFFF) > 100, "second series' colour");
    }

    @Test
    void barChartHasTheSizeAndDrawsBarsAndMarks() throws Exception {
        BarChart chart = new BarChart("t", "mode", "ms", "median", "p99")
                .add(new BarChart.Bar("classic", 900, 1300))
                .add(new BarChart.Bar("sim", 600, 700))
                .add(new BarChart.Bar("broken", Double.NaN, Double.NaN));
        BufferedImage img = decode(chart.png(640, 400));
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        int bars = count(img, Frame.PALETTE[1].getRGB() & 0xFFFFFF);
        assertTrue(bars > 5000, "bar pixels: " + bars);
        assertTrue(count(img, Frame.PALETTE[0].getRGB() & 0xFFFFFF) > 50, "p99 marks");
    }

    @Test
    void emptyChartsStillRender() throws Exception {
        assertEquals(300, decode(new LineChart("t", "x", "y").png(300, 200)).getWidth());
        assertEquals(300, decode(new BarChart("t", "x", "y", "a", "b").png(300, 200)).getWidth());
    }

    @Test
    void tooSmallIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "x", "y").png(100, 100));
    }

    @Test
    void axisMaximumIsRounded() {
        assertEquals(1, Frame.niceCeiling(0));
        assertEquals(1, Frame.niceCeiling(Double.NaN));
        assertEquals(10_000, Frame.niceCeiling(9_100));
        assertEquals(250, Frame.niceCeiling(201));
        assertEquals(2, Frame.niceCeiling(2));
        assertEquals(0.5, Frame.niceCeiling(0.31));
    }
}
