package org.haap.loadtest.aprelay;

/** Which way the bulk data flows, named from the client's side. */
public enum Transfer {
    /** Client to server. */
    UPLOAD('U'),
    /** Server to client. */
    DOWNLOAD('D');

    private final char command;

    Transfer(char command) {
        this.command = command;
    }

    /** The one-byte command the client sends first to tell the bulk server what to do. */
    byte command() {
        return (byte) command;
    }

    /** The transfer a command byte asks for, or null. */
    static Transfer ofCommand(byte b) {
        for (Transfer t : values()) {
            if (t.command == b) {
                return t;
            }
        }
        return null;
    }

    /** Lower-case name for tables and JSON. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
