package netdumplings.kitchen.internal.dispatch;

import netdumplings.kitchen.internal.packet.CapturedPacket;

/**
 * Packets handed from the capture thread to every chef's queue in one offer, so the
 * hand-off costs one queue operation per batch, not per packet. Immutable once published;
 * shared by every chef.
 *
 * @param packets the packets; only the first {@code size} are valid
 * @param size    how many packets are valid
 */
public record PacketBatch(CapturedPacket[] packets, int size) {
}
