package org.haap.loadtest.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.haap.loadtest.browser.BrowserPage.Kind;
import org.haap.loadtest.browser.BrowserPage.Resource;
import org.junit.jupiter.api.Test;

class BrowserPageTest {

    private static final BrowserPage PAGE = BrowserPage.generate(BrowserScenario.HOSTS, BrowserPage.DEFAULT_OBJECTS);
    private static final Pattern URL = Pattern.compile("http://([a-z0-9.]+)(/[^\"')\\s]*)");

    @Test
    void defaultPageHasTheIssuesMix() {
        assertTrue(PAGE.count() >= 60, PAGE.describe());
        assertEquals(6, PAGE.hostsUsed(), PAGE.describe());
        assertTrue(PAGE.bytes() > 900_000 && PAGE.bytes() < 1_300_000, PAGE.describe());
        for (Kind k : Kind.values()) {
            assertTrue(PAGE.count(k) >= 1 && PAGE.bytes(k) > 0, k + ": " + PAGE.describe());
        }
        assertTrue(PAGE.count(Kind.IMAGE) >= 40, PAGE.describe());
        assertTrue(PAGE.count(Kind.JS) >= 4, PAGE.describe());
    }

    @Test
    void samePageEveryTime() {
        BrowserPage again = BrowserPage.generate(BrowserScenario.HOSTS, BrowserPage.DEFAULT_OBJECTS);
        assertEquals(PAGE.count(), again.count());
        for (int i = 0; i < PAGE.all().size(); i++) {
            assertEquals(PAGE.all().get(i).path(), again.all().get(i).path());
            assertArrayEquals(PAGE.all().get(i).body(), again.all().get(i).body(), PAGE.all().get(i).path());
        }
    }

    @Test
    void everyObjectIsReachableFromTheDocumentAndOnlyOnItsHost() {
        // the document links sheets, scripts and images; sheets their backgrounds; script 0 the chained one
        Set<String> linked = new HashSet<>();
        for (Resource r : PAGE.all()) {
            if (r.kind() != Kind.IMAGE) {
                Matcher m = URL.matcher(new String(r.body(), StandardCharsets.UTF_8));
                while (m.find()) {
                    Resource target = PAGE.find(m.group(1), m.group(2));
                    assertNotNull(target, m.group() + " in " + r.path());
                    linked.add(target.host() + m.group(2));
                }
            }
        }
        assertEquals(PAGE.objects().size(), linked.size(), "every object linked exactly from somewhere");
        Resource img = PAGE.objects().stream().filter(o -> o.kind() == Kind.IMAGE).findFirst().orElseThrow();
        String name = PAGE.hosts().get(img.host());
        String other = PAGE.hosts().get((img.host() + 1) % PAGE.hosts().size());
        assertSame(img, PAGE.find(name + ":80", img.path() + "?x=1"));
        assertNull(PAGE.find(other, img.path()), "an object is on its own host only");
        assertNull(PAGE.find("example.org", img.path()));
        assertSame(PAGE.document(), PAGE.find(PAGE.hosts().get(0), "/?load=7"));
        assertEquals("http://h0.page.test/?load=7", PAGE.url(7));
    }

    @Test
    void imagesAreRealPngs() throws Exception {
        for (Resource r : PAGE.objects()) {
            if (r.kind() == Kind.IMAGE) {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
                assertNotNull(img, r.path());
                assertTrue(img.getWidth() >= 8, r.path());
            }
        }
    }

    @Test
    void documentReportsNavigationTiming() {
        String html = new String(PAGE.document().body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("navigator.sendBeacon('" + BrowserPage.REPORT_PATH + "'"), html);
        assertTrue(html.contains("ms:n.loadEventEnd-n.startTime"), html);
        assertTrue(html.contains("setTimeout(function(){"), "after the load event has ended");
        assertTrue(html.contains("<link rel=\"icon\" href=\"data:,\">"), "no favicon request");
        // the chained script is not in the document, its parent inserts it
        assertTrue(!html.contains("/js/a1.js"), html);
        assertTrue(new String(PAGE.find("h2.page.test", "/js/a0.js").body(), StandardCharsets.UTF_8)
                .contains("s.src='http://h2.page.test/js/a1.js'"));
    }

    @Test
    void smallPagesForTests() {
        BrowserPage small = BrowserPage.generate(6, 8);
        assertEquals(9, small.count());
        assertEquals(List.of("h0.page.test", "h1.page.test", "h2.page.test", "h3.page.test", "h4.page.test",
                "h5.page.test"), small.hosts());
        assertThrows(IllegalArgumentException.class, () -> BrowserPage.generate(6, 3));
        assertThrows(IllegalArgumentException.class, () -> BrowserPage.generate(2, 10));
    }
}
