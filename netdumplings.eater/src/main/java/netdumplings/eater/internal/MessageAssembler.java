package netdumplings.eater.internal;

/**
 * Joins the parts of a WebSocket text message, refusing any message over a size limit
 * as soon as it is known to be over it, so an oversized message is never held whole.
 * Not thread-safe: a WebSocket delivers one message part at a time.
 */
public final class MessageAssembler {

    private final int maxBytes;
    private final StringBuilder parts = new StringBuilder();
    private boolean oversized;

    /** @param maxBytes the largest message accepted, in UTF-8 bytes */
    public MessageAssembler(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Adds one part.
     *
     * @param part the part
     * @param last whether it ends the message
     * @return the whole message when {@code last} and within the limit; otherwise null
     * @throws MessageTooBigException as soon as the message is over the limit
     */
    public String add(CharSequence part, boolean last) {
        if (oversized) {
            // The rest of an already refused message.
            if (last) {
                oversized = false;
            }
            return null;
        }
        String whole;
        if (last && parts.length() == 0) {
            whole = part.toString(); // the usual case: one part, no copy into the builder
        } else {
            // Every char is at least one UTF-8 byte: more chars than bytes allowed is over.
            if (parts.length() + part.length() > maxBytes) {
                refuse(parts.length() + part.length(), last);
            }
            parts.append(part);
            if (!last) {
                return null;
            }
            whole = parts.toString();
            parts.setLength(0);
        }
        // A char is at most three UTF-8 bytes: only count when it might matter.
        if (whole.length() * 3L > maxBytes) {
            int bytes = utf8Length(whole);
            if (bytes > maxBytes) {
                refuse(bytes, true);
            }
        }
        return whole;
    }

    private void refuse(long size, boolean last) {
        parts.setLength(0);
        oversized = !last;
        throw new MessageTooBigException("message of at least " + size + " bytes is over the limit of "
                + maxBytes + " bytes");
    }

    /** @return the UTF-8 length of {@code s}; exact, without encoding it */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** A message over the size limit. */
    public static final class MessageTooBigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MessageTooBigException(String message) {
            super(message);
        }
    }
}
