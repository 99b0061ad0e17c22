package netdumplings.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference, not a hub: the least work a WebSocket fan-out can do on this machine, to
 * put the hub's figures in context (as pcap4j's bare loop does for the kitchen). One
 * thread, one selector: each kitchen frame is framed once for the eaters (server frames
 * are unmasked, so the bytes are the same for every eater) and appended to every
 * eater's output buffer; buffers are written after each read, many frames per write.
 * No hello check, no JSON check, no status, no close handshake; an eater whose buffer
 * is full loses the frame (counted).
 */
final class BareFanOutServer implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("(?im)^sec-websocket-key:\\s*(\\S+)\\s*$");
    private static final int EATER_BUFFER_BYTES = 4 << 20;

    private final Selector selector;
    private final ServerSocketChannel kitchens;
    private final ServerSocketChannel eaters;
    private final List<Conn> eaterConns = new ArrayList<>();
    private final Thread thread;
    private volatile long dropped;

    /** A connection: its input, and for eaters the pending output. */
    private static final class Conn {
        final SocketChannel ch;
        final boolean eater;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out;
        boolean upgraded;

        Conn(SocketChannel ch, boolean eater) {
            this.ch = ch;
            this.eater = eater;
        }
    }

    BareFanOutServer() throws IOException {
        selector = Selector.open();
        kitchens = listen();
        eaters = listen();
        thread = new Thread(this::loop, "bare-fan-out");
        thread.setDaemon(true);
        thread.start();
    }

    private ServerSocketChannel listen() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        s.configureBlocking(false);
        s.register(selector, SelectionKey.OP_ACCEPT);
        return s;
    }

    int kitchenPort() {
        return kitchens.socket().getLocalPort();
    }

    int eaterPort() {
        return eaters.socket().getLocalPort();
    }

    /** @return frames lost to full eater buffers */
    long dropped() {
        return dropped;
    }

    private volatile boolean closing;

    private void loop() {
        try {
            while (!closing) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        ServerSocketChannel server = (ServerSocketChannel) key.channel();
                        SocketChannel ch = server.accept();
                        if (ch != null) {
                            ch.configureBlocking(false);
                            ch.socket().setTcpNoDelay(true);
                            ch.register(selector, SelectionKey.OP_READ, new Conn(ch, server == eaters));
                        }
                        continue;
                    }
                    Conn c = (Conn) key.attachment();
                    if (key.isReadable()) {
                        read(key, c);
                    }
                    if (key.isValid() && key.isWritable()) {
                        flush(key, c);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // Closed.
        }
    }

    private void read(SelectionKey key, Conn c) throws IOException {
        int n;
        try {
            n = c.ch.read(c.in);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            key.cancel();
            c.ch.close();
            eaterConns.remove(c);
            return;
        }
        c.in.flip();
        if (!c.upgraded) {
            String head = StandardCharsets.ISO_8859_1.decode(c.in.duplicate()).toString();
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                c.in.compact();
                return;
            }
            Matcher m = KEY.matcher(head.substring(0, end));
            if (!m.find()) {
                key.cancel();
                c.ch.close();
                return;
            }
            String answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(m.group(1)) + "\r\n\r\n";
            c.ch.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
            c.upgraded = true;
            c.in.position(c.in.position() + end + 4);
            if (c.eater) {
                c.out = ByteBuffer.allocate(EATER_BUFFER_BYTES);
                c.out.flip();
                eaterConns.add(c);
            }
        }
        boolean fanned = false;
        byte[] a = c.in.array();
        while (c.in.remaining() >= 2) {
            int p = c.in.position();
            int len7 = a[p + 1] & 0x7f;
            boolean masked = (a[p + 1] & 0x80) != 0;
            int header = (len7 < 126 ? 2 : len7 == 126 ? 4 : 10) + (masked ? 4 : 0);
            if (c.in.remaining() < header) {
                break;
            }
            long len = len7 < 126 ? len7 : len7 == 126 ? c.in.getShort(p + 2) & 0xffff : c.in.getLong(p + 2);
            if (header + len > c.in.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate((int) (header + len));
                bigger.put(c.in);
                bigger.flip();
                c.in = bigger;
                a = bigger.array();
                continue;
            }
            if (c.in.remaining() < header + len) {
                break;
            }
            int start = p + header;
            if (masked) {
                int mask = p + header - 4;
                for (int i = 0; i < len; i++) {
                    a[start + i] ^= a[mask + (i & 3)];
                }
            }
            if (!c.eater && (a[p] & 0x0f) == 1) {
                fanOut(a, start, (int) len);
                fanned = true;
            }
            c.in.position((int) (start + len));
        }
        c.in.compact();
        if (fanned) {
            for (Conn e : eaterConns) {
                flush(e.ch.keyFor(selector), e);
            }
        }
    }

    /** Appends one server frame (the same bytes for every eater) to every eater's buffer. */
    private void fanOut(byte[] a, int start, int len) {
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        for (Conn e : eaterConns) {
            ByteBuffer out = e.out;
            out.compact();
            if (out.remaining() < header + len) {
                out.flip();
                dropped++;
                continue;
            }
            out.put((byte) 0x81);
            if (len < 126) {
                out.put((byte) len);
            } else if (len < 65536) {
                out.put((byte) 126).putShort((short) len);
            } else {
                out.put((byte) 127).putLong(len);
            }
            out.put(a, start, len);
            out.flip();
        }
    }

    private void flush(SelectionKey key, Conn c) throws IOException {
        if (key == null || !key.isValid() || c.out == null) {
            return;
        }
        try {
            c.ch.write(c.out);
        } catch (IOException e) {
            key.cancel();
            c.ch.close();
            eaterConns.remove(c);
            return;
        }
        key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        // The loop closes the selector itself: closing it from here, mid-iteration of its
        // selected keys, made the loop fail with a ConcurrentModificationException.
        closing = true;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.close();
        kitchens.close();
        eaters.close();
        for (Conn c : eaterConns) {
            c.ch.close();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "bare fan-out on 127.0.0.1:%d/%d", kitchenPort(), eaterPort());
    }
}
