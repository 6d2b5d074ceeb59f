package io.vermilion.cluster.bus;

/**
 * Bytes on a cluster bus link that are not a valid message. {@link #closesLink()} says what Redis
 * 7.0 does with them, which our node must mirror:
 * <ul>
 *   <li>{@link Kind#BAD_FRAME}: the 8-byte prefix is wrong (signature, or a length below the
 *       header size, or above our limit). Redis logs "Bad message length or signature received
 *       from Cluster bus." and closes the link: the stream can no longer be split into frames.</li>
 *   <li>{@link Kind#BAD_PACKET}: the frame is well delimited but its content is invalid (version,
 *       length not matching the type, bad extension lengths). Redis ignores that one packet and
 *       keeps the link.</li>
 * </ul>
 */
public final class BusProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind { BAD_FRAME, BAD_PACKET }

    private final Kind kind;

    public BusProtocolException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the link must be closed; false when only this packet is to be dropped. */
    public boolean closesLink() {
        return kind == Kind.BAD_FRAME;
    }

    static BusProtocolException frame(String message) {
        return new BusProtocolException(Kind.BAD_FRAME, message);
    }

    static BusProtocolException packet(String message) {
        return new BusProtocolException(Kind.BAD_PACKET, message);
    }
}
