package io.vermilion.cluster;

/**
 * The link-state column of {@code CLUSTER NODES}: "connected" when we have an outbound bus link
 * to the node (always for myself), "disconnected" otherwise.
 */
public enum LinkState {
    CONNECTED("connected"),
    DISCONNECTED("disconnected");

    private final String text;

    LinkState(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** @throws IllegalArgumentException for anything but the two exact words */
    public static LinkState parse(String s) {
        for (LinkState l : values()) {
            if (l.text.equals(s)) return l;
        }
        throw new IllegalArgumentException("bad link state '" + s + "' (expected connected or disconnected)");
    }
}
