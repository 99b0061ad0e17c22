package netdumplings.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames written and read as on the wire. */
class RawFramesTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 65535, 65536})
    void aWrittenFrameReadsBackWithEachLengthEncoding(int length) throws Exception {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'x');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawFrames.write(out, 1, false, payload);
        assertEquals(length + (length < 126 ? 2 : length < 65536 ? 4 : 10), out.size());
        RawFrames.Frame frame = RawFrames.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
        assertEquals(1, frame.opcode());
        assertFalse(frame.fin());
        assertFalse(frame.masked());
        assertArrayEquals(payload, frame.payload());
    }

    @Test
    void aMaskedClientFrameIsUnmasked() throws Exception {
        // RFC 6455, section 5.7: a masked "Hello".
        byte[] wire = {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58};
        RawFrames.Frame frame = RawFrames.read(new DataInputStream(new ByteArrayInputStream(wire)));
        assertTrue(frame.fin());
        assertTrue(frame.masked());
        assertEquals("Hello", new String(frame.payload(), StandardCharsets.US_ASCII));
    }
}
