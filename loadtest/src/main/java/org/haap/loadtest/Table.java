package org.haap.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for people: a header row, then rows, columns padded to their widest
 * cell; cells that look numeric are right-aligned.
 */
public final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("header: empty (expected: at least one column)");
        }
        this.header = List.of(header);
    }

    /** Adds a row with exactly as many cells as the header. */
    public Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("cells: " + cells.length + " (expected: " + header.size() + ")");
        }
        rows.add(List.of(cells));
        return this;
    }

    /** The number of data rows. */
    public int size() {
        return rows.size();
    }

    /** The table as text, one line per row plus a rule under the header, ending in a newline. */
    public String render() {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(header, width, sb);
        for (int c = 0; c < width.length; c++) {
            sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(r, width, sb);
        }
        return sb.toString();
    }

    private static void line(List<String> cells, int[] width, StringBuilder sb) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            line.append(c == 0 ? "" : "  ").append(numeric(cell) ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static boolean numeric(String cell) {
        return cell.matches("[-+]?[0-9][0-9.,]*(e[-+]?[0-9]+)?[%x]?") || cell.equals("-");
    }

    /** {@code value} with {@code decimals} digits after the point, or {@code "-"} when NaN. */
    public static String number(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
    }
}
