package org.haap.config.internal;

/**
 * A value that does not parse or is out of range; the message has the shape
 * {@code "value (expected: ...)"} so that a caller can prefix the key.
 */
public final class BadValue extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String value;
    private final String expected;

    public BadValue(String value, String expected) {
        super(value + " (expected: " + expected + ')', null);
        this.value = value;
        this.expected = expected;
    }

    public String value() {
        return value;
    }

    public String expected() {
        return expected;
    }
}
