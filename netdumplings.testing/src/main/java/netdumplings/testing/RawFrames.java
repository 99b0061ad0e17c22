package netdumplings.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * WebSocket frames (RFC 6455, section 5.2) as bytes, for the tests' raw servers, which
 * must see and send exactly what is on the wire (a library would hide it).
 */
public final class RawFrames {

    /**
     * One frame as read.
     *
     * @param fin     whether it ends its message
     * @param opcode  its opcode (1 text, 2 binary, 8 close, 9 ping, 10 pong, 0 continuation)
     * @param masked  whether it came masked, as a client's must
     * @param payload its payload, unmasked
     */
    public record Frame(boolean fin, int opcode, boolean masked, byte[] payload) {
    }

    private RawFrames() {
    }

    /**
     * @param in the connection, after the upgrade
     * @return the next frame, unmasked
     * @throws IOException if the connection ends or fails
     */
    public static Frame read(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("a frame of " + length + " bytes");
        }
        boolean masked = (b1 & 0x80) != 0;
        byte[] mask = new byte[4];
        if (masked) {
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, masked, payload);
    }

    /**
     * Reads an HTTP head (request or response) up to its empty line, and not a byte
     * further: frames may follow on the same stream.
     *
     * @param in the connection
     * @return the head, its empty line included (ISO-8859-1, as HTTP heads are)
     * @throws java.io.EOFException if the connection ends first
     */
    public static String readHead(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("the connection ended after " + head.size() + " bytes of the head");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes one unmasked frame, as a server does, and flushes.
     *
     * @param out     the connection
     * @param opcode  the frame's opcode
     * @param fin     whether it ends its message
     * @param payload its payload
     */
    public static void write(OutputStream out, int opcode, boolean fin, byte[] payload) throws IOException {
        write(out, opcode, fin, payload, false);
    }

    /**
     * Writes one frame masked with the all-zero key, as a client must send them (the key is
     * the client's choice; zero leaves the payload as it is), and flushes.
     *
     * @param out     the connection
     * @param opcode  the frame's opcode
     * @param payload its payload
     */
    public static void writeMasked(OutputStream out, int opcode, byte[] payload) throws IOException {
        write(out, opcode, true, payload, true);
    }

    private static void write(OutputStream out, int opcode, boolean fin, byte[] payload, boolean masked)
            throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        int mask = masked ? 0x80 : 0;
        if (n < 126) {
            frame.write(mask | n);
        } else if (n < 65536) {
            frame.write(mask | 126);
            frame.write(n >> 8);
            frame.write(n);
        } else {
            frame.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) n >> shift));
            }
        }
        if (masked) {
            frame.write(new byte[4]);
        }
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
    }
}
