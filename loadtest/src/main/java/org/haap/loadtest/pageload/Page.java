package org.haap.loadtest.pageload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic web page: a document on host 0, then objects spread over the hosts, each with
 * a size. Sizes are drawn log-uniformly from {@value #MIN_OBJECT}..{@value #MAX_OBJECT}
 * bytes with a fixed seed, so every run and every mode loads the same page.
 *
 * @param hosts        the number of server hosts
 * @param documentSize the size of the document, fetched first
 * @param objects      the sub-resources, fetched after the document
 */
public record Page(int hosts, int documentSize, List<PageObject> objects) {

    /** Smallest object size. */
    public static final int MIN_OBJECT = 2 << 10;
    /** Largest object size. */
    public static final int MAX_OBJECT = 50 << 10;

    /** One sub-resource: which host serves it and its size in bytes. */
    public record PageObject(int host, int size) {
    }

    public Page {
        objects = List.copyOf(objects);
        for (PageObject o : objects) {
            if (o.host() < 0 || o.host() >= hosts) {
                throw new IllegalArgumentException("host: " + o.host() + " (expected: 0.." + (hosts - 1) + ")");
            }
        }
    }

    /**
     * The page every run loads: a 32 KiB document and {@code objects} sub-resources; object
     * {@code i} is on host {@code i % hosts}, its size log-uniform in 2..50 KiB (seed fixed).
     */
    public static Page synthetic(int hosts, int objects) {
        Random r = new Random(9);
        List<PageObject> list = new ArrayList<>();
        double lo = Math.log(MIN_OBJECT);
        double hi = Math.log(MAX_OBJECT);
        for (int i = 0; i < objects; i++) {
            list.add(new PageObject(i % hosts, (int) Math.round(Math.exp(lo + r.nextDouble() * (hi - lo)))));
        }
        return new Page(hosts, 32 << 10, list);
    }

    /** The sub-resources of host {@code h}, in page order. */
    public List<Integer> sizesOn(int h) {
        return objects.stream().filter(o -> o.host() == h).map(PageObject::size).toList();
    }

    /** Every byte of the page, document included. */
    public long bytes() {
        return documentSize + objects.stream().mapToLong(PageObject::size).sum();
    }

    /** Objects including the document. */
    public int count() {
        return objects.size() + 1;
    }
}
