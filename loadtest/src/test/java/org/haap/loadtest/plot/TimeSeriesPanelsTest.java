package org.haap.loadtest.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class TimeSeriesPanelsTest {

    private static TimeSeriesPanels.Panel panel(String title, double level) {
        double[] x = {0, 1, 2, 3, 4};
        return new TimeSeriesPanels.Panel(title,
                List.of(new TimeSeriesPanels.Line("goodput", x, new double[] {level, level, 0, Double.NaN, 500}),
                        new TimeSeriesPanels.Line("lte", x, new double[] {1, 2, 3, 4, 5})),
                List.of(new TimeSeriesPanels.Marker("fault", 1.5), new TimeSeriesPanels.Marker("repaired", 3)));
    }

    @Test
    void panelsAreLaidOutInColumnsRowByRow() throws Exception {
        TimeSeriesPanels c = new TimeSeriesPanels("t", "s", "Mbit/s", 2).yLimit(60);
        c.add(panel("a", 40)).add(panel("b", 20)).add(panel("c", 10));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(c.png(300, 200)));
        assertEquals(600, img.getWidth());
        assertEquals(44 + 26 + 2 * 200, img.getHeight());
        // the third panel (bottom left) is drawn, the fourth place (bottom right) stays empty
        assertNotEquals(0, inked(img, 0, 270, 300, 200));
        assertEquals(0, inked(img, 300, 270, 300, 200));
    }

    private static int inked(BufferedImage img, int x0, int y0, int w, int h) {
        int n = 0;
        for (int x = x0; x < x0 + w; x++) {
            for (int y = y0; y < y0 + h; y++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new TimeSeriesPanels("t", "x", "y", 0));
        assertThrows(IllegalArgumentException.class, () -> new TimeSeriesPanels("t", "x", "y", 1).yLimit(0));
        assertThrows(IllegalArgumentException.class,
                () -> new TimeSeriesPanels.Line("l", new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new TimeSeriesPanels("t", "x", "y", 1).png(100, 100));
    }
}
