package org.haap.loadtest.browser;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * A generated web page with the mix of a real one, the same every time (fixed seed): an HTML
 * document on host 0 that links style sheets (each drawing a background image, fetched only
 * once the sheet is parsed), scripts in the head (render-blocking) and at the end of the body
 * ({@code defer}, one {@code async}), one script that a first script inserts (a chain, as tag
 * managers do), and PNG images (random pixels: real decoding, no compression). Objects are
 * spread over the hosts: style sheets on host 1, scripts on host 2, images round-robin over
 * every host. Sizes: document {@value #DOCUMENT_KIB} KiB, style sheets 10-30 KiB, scripts
 * 15-60 KiB, images 2-32 KiB log-uniform; with {@value #DEFAULT_OBJECTS} objects about
 * 1 MiB.
 *
 * <p>The document's inline script reports the Navigation Timing of the load: once the load
 * event has finished ({@code setTimeout(0)} in the {@code load} handler, so that
 * {@code loadEventEnd} is set) it beacons {@code {"load":ID,"ms":loadEventEnd - startTime,
 * "ttfb":responseStart - startTime,"dcl":domContentLoadedEventEnd - startTime,
 * "resources":N}} to {@value #REPORT_PATH} on host 0, the load's id coming from the
 * document's query ({@code ?load=ID}).
 */
public final class BrowserPage {

    /** Where the page's script posts its timing, on host 0. */
    public static final String REPORT_PATH = "/report";
    /** Sub-resources of the default page (the document comes on top). */
    public static final int DEFAULT_OBJECTS = 72;
    static final int DOCUMENT_KIB = 40;
    private static final String DOMAIN = ".page.test";
    private static final char[] TEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/".toCharArray();

    /** What a resource is, with its {@code Content-Type}. */
    public enum Kind {
        HTML("text/html; charset=utf-8"), CSS("text/css"), JS("text/javascript"), IMAGE("image/png");

        private final String contentType;

        Kind(String contentType) {
            this.contentType = contentType;
        }

        /** The {@code Content-Type} it is served with. */
        public String contentType() {
            return contentType;
        }
    }

    /**
     * One object of the page.
     *
     * @param host which host serves it (an index into {@link #hosts()})
     * @param path its path, starting with {@code /}
     * @param kind what it is
     * @param body its bytes (not copied: do not modify)
     */
    public record Resource(int host, String path, Kind kind, byte[] body) {
    }

    private final List<String> hosts;
    private final Resource document;
    private final List<Resource> objects;
    private final Map<String, Resource> byKey = new LinkedHashMap<>();

    private BrowserPage(List<String> hosts, Resource document, List<Resource> objects) {
        this.hosts = List.copyOf(hosts);
        this.document = document;
        this.objects = List.copyOf(objects);
        byKey.put(key(document.host(), document.path()), document);
        for (Resource r : objects) {
            byKey.put(key(r.host(), r.path()), r);
        }
    }

    /** The host names of a page on {@code n} hosts: {@code h0.page.test}, {@code h1.page.test}, ... */
    public static List<String> hostNames(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("h" + i + DOMAIN);
        }
        return out;
    }

    /**
     * The page with {@code objects} sub-resources on {@code hosts} hosts: about one style
     * sheet in 18 objects (each with a background image), one script in 12, the rest images.
     *
     * @throws IllegalArgumentException unless {@code hosts} is 3..20 and {@code objects} 4..500
     */
    public static BrowserPage generate(int hosts, int objects) {
        if (hosts < 3 || hosts > 20) {
            throw new IllegalArgumentException("hosts: " + hosts + " (expected: 3..20)");
        }
        if (objects < 4 || objects > 500) {
            throw new IllegalArgumentException("objects: " + objects + " (expected: 4..500)");
        }
        List<String> names = hostNames(hosts);
        Random r = new Random(16);
        int sheets = Math.max(1, Math.round(objects / 18f));
        int scripts = Math.max(1, Math.round(objects / 12f));
        int images = objects - 2 * sheets - scripts;
        List<Resource> list = new ArrayList<>();
        List<String> sheetUrls = new ArrayList<>();
        for (int i = 0; i < sheets; i++) {
            Resource bg = image(r, (3 + i) % hosts, "/img/bg" + i + ".png", 5 << 10, 30 << 10);
            Resource css = new Resource(1, "/css/s" + i + ".css", Kind.CSS,
                    css(r, 10 + r.nextInt(21), i, url(names, bg)));
            list.add(css);
            list.add(bg);
            sheetUrls.add(url(names, css));
        }
        // script 1, when there is one, is not in the document: script 0 inserts it
        String late = scripts >= 2 ? "http://" + names.get(2) + "/js/a1.js" : null;
        List<String> scriptUrls = new ArrayList<>();
        for (int i = 0; i < scripts; i++) {
            Resource js = new Resource(2, "/js/a" + i + ".js", Kind.JS, js(r, 15 + r.nextInt(46), i,
                    i == 0 ? late : null));
            list.add(js);
            scriptUrls.add(url(names, js));
        }
        List<String> imageTags = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            Resource img = image(r, i % hosts, "/img/i" + i + ".png", 2 << 10, 32 << 10);
            list.add(img);
            imageTags.add(url(names, img));
        }
        Resource doc = new Resource(0, "/", Kind.HTML, html(r, sheetUrls, scriptUrls, late, imageTags));
        return new BrowserPage(names, doc, list);
    }

    private static String key(int host, String path) {
        return host + " " + path;
    }

    private static String url(List<String> names, Resource res) {
        return "http://" + names.get(res.host()) + res.path();
    }

    /** The host names, host 0 first (the document's). */
    public List<String> hosts() {
        return hosts;
    }

    /** The document. */
    public Resource document() {
        return document;
    }

    /** The sub-resources, without the document. */
    public List<Resource> objects() {
        return objects;
    }

    /** The resource at {@code path} (query left out) on the host named {@code host} (port left out), or null. */
    public Resource find(String host, String path) {
        int h = hosts.indexOf(stripPort(host).toLowerCase(Locale.ROOT));
        int q = path.indexOf('?');
        return h < 0 ? null : byKey.get(key(h, q < 0 ? path : path.substring(0, q)));
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** The URL the browser opens for load {@code id}. */
    public String url(int id) {
        return "http://" + hosts.get(0) + "/?load=" + id;
    }

    /** Objects including the document. */
    public int count() {
        return objects.size() + 1;
    }

    /** Every byte of the page (bodies only), document included. */
    public long bytes() {
        return document.body().length + objects.stream().mapToLong(o -> o.body().length).sum();
    }

    /** The bytes of the objects of {@code kind} (the document for {@link Kind#HTML}). */
    public long bytes(Kind kind) {
        return kind == Kind.HTML ? document.body().length
                : objects.stream().filter(o -> o.kind() == kind).mapToLong(o -> o.body().length).sum();
    }

    /** How many objects of {@code kind} there are (1 for {@link Kind#HTML}, the document). */
    public int count(Kind kind) {
        return kind == Kind.HTML ? 1 : (int) objects.stream().filter(o -> o.kind() == kind).count();
    }

    /** How many distinct hosts serve at least one object, the document included. */
    public int hostsUsed() {
        return (int) java.util.stream.Stream.concat(java.util.stream.Stream.of(document), objects.stream())
                .mapToInt(Resource::host).distinct().count();
    }

    // ---------------------------------------------------------------- generators

    private static Resource image(Random r, int host, String path, int minBytes, int maxBytes) {
        double lo = Math.log(minBytes);
        double hi = Math.log(maxBytes);
        int target = (int) Math.round(Math.exp(lo + r.nextDouble() * (hi - lo)));
        int side = Math.max(8, (int) Math.round(Math.sqrt(target / 3.0)));
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(target + 1024);
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Resource(host, path, Kind.IMAGE, out.toByteArray());
    }

    private static byte[] css(Random r, int kib, int n, String background) {
        StringBuilder b = new StringBuilder("/* generated style sheet ").append(n).append(" */\n");
        b.append(".bg").append(n).append("{background-image:url(").append(background)
                .append(");width:64px;height:64px;display:inline-block}\n");
        int i = 0;
        while (b.length() < kib << 10) {
            b.append(".c").append(n).append('-').append(i++).append(" .").append(word(r, 8)).append("{margin:")
                    .append(r.nextInt(20)).append("px ").append(r.nextInt(20)).append("px;color:#")
                    .append(String.format(Locale.ROOT, "%06x", r.nextInt(1 << 24))).append(";font-size:")
                    .append(10 + r.nextInt(10)).append("px}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] js(Random r, int kib, int n, String insert) {
        StringBuilder b = new StringBuilder("/* generated script ").append(n).append(" */\n(function(){\n");
        if (insert != null) {
            b.append("var s=document.createElement('script');s.src='").append(insert)
                    .append("';document.head.appendChild(s);\n");
        }
        b.append("var d=[\n");
        while (b.length() < (kib << 10) - 200) {
            b.append('"').append(word(r, 72)).append("\",\n");
        }
        b.append("\"\"];var h=0;for(var i=0;i<d.length;i++){h=(h*31+d[i].length)|0;}\n");
        b.append("window.__haapScripts=(window.__haapScripts||0)+1;window.__haapHash").append(n).append("=h;\n})();\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] html(Random r, List<String> sheets, List<String> scripts, String late, List<String> images) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        b.append("<title>HAAP browser load test</title><link rel=\"icon\" href=\"data:,\">\n");
        for (String s : sheets) {
            b.append("<link rel=\"stylesheet\" href=\"").append(s).append("\">\n");
        }
        // the first two scripts block rendering in the head (the second of them is the chained
        // one when there is a chain, inserted by the first instead of a tag)
        List<String> tagged = new ArrayList<>(scripts);
        tagged.remove(late);
        int head = Math.min(2, tagged.size());
        for (String s : tagged.subList(0, head)) {
            b.append("<script src=\"").append(s).append("\"></script>\n");
        }
        b.append("</head><body>\n");
        for (int i = 0; i < sheets.size(); i++) {
            b.append("<div class=\"bg").append(i).append("\"></div>\n");
        }
        int perParagraph = Math.max(1, images.size() / 10);
        List<String> left = new ArrayList<>(images);
        int tail = tagged.size() - head;
        int budget = (DOCUMENT_KIB << 10) - 1500 - 80 * images.size() - 120 * tail;
        int paragraphs = Math.max(1, (images.size() + perParagraph - 1) / perParagraph);
        int textPer = Math.max(100, budget / paragraphs);
        while (!left.isEmpty() || paragraphs > 0) {
            b.append("<p>");
            for (int len = 0; len < textPer; ) {
                String w = word(r, 3 + r.nextInt(8)).toLowerCase(Locale.ROOT);
                b.append(w).append(' ');
                len += w.length() + 1;
            }
            b.append("</p>\n");
            for (int i = 0; i < perParagraph && !left.isEmpty(); i++) {
                b.append("<img src=\"").append(left.remove(0)).append("\" width=\"64\" height=\"64\" alt=\"\">\n");
            }
            paragraphs--;
        }
        for (int i = head; i < tagged.size(); i++) {
            b.append("<script ").append(i == tagged.size() - 1 && tail > 1 ? "async" : "defer")
                    .append(" src=\"").append(tagged.get(i)).append("\"></script>\n");
        }
        b.append("<script>\naddEventListener('load',function(){setTimeout(function(){\n")
                .append("var n=performance.getEntriesByType('navigation')[0];\n")
                .append("var id=new URLSearchParams(location.search).get('load');\n")
                .append("navigator.sendBeacon('").append(REPORT_PATH).append("',JSON.stringify({load:id,")
                .append("ms:n.loadEventEnd-n.startTime,ttfb:n.responseStart-n.startTime,")
                .append("dcl:n.domContentLoadedEventEnd-n.startTime,")
                .append("resources:performance.getEntriesByType('resource').length}));\n")
                .append("},0);});\n</script>\n</body></html>\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String word(Random r, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = TEXT[r.nextInt(TEXT.length)];
        }
        return new String(c);
    }

    /** A one-line description: objects by kind, bytes, hosts. */
    public String describe() {
        return String.format(Locale.ROOT, "%d objects, %d KiB (html %d KiB, %d css %d KiB, %d js %d KiB, %d png %d KiB),"
                        + " on %d hosts", count(), bytes() >> 10, bytes(Kind.HTML) >> 10,
                count(Kind.CSS), bytes(Kind.CSS) >> 10, count(Kind.JS), bytes(Kind.JS) >> 10,
                count(Kind.IMAGE), bytes(Kind.IMAGE) >> 10, hostsUsed());
    }

    /** Every object, document first: for tests and listings. */
    List<Resource> all() {
        List<Resource> all = new ArrayList<>();
        all.add(document);
        all.addAll(objects);
        return Collections.unmodifiableList(all);
    }
}
