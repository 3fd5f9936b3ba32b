package dev.lifeboat.core.wal;

/**
 * Finds a record's "main data" (the resource manager's own payload) behind the block
 * references, following the layout {@code DecodeXLogRecord} reads: fragment headers first,
 * then each block's image and data, then the main data last.
 */
final class RecordMainData {

    private static final int BLOCK_ID_DATA_SHORT = 255;
    private static final int BLOCK_ID_DATA_LONG = 254;
    private static final int BLOCK_ID_ORIGIN = 253;
    private static final int BLOCK_ID_TOPLEVEL_XID = 252;
    private static final int MAX_BLOCK_ID = 32;

    private static final int BKPBLOCK_HAS_IMAGE = 0x10;
    private static final int BKPBLOCK_SAME_REL = 0x80;
    private static final int BKPIMAGE_HAS_HOLE = 0x01;
    private static final int REL_FILE_LOCATOR_SIZE = 12;

    private RecordMainData() {
    }

    /**
     * The offset of the main data in {@code body} (the record after its 24-byte header), with its
     * length in {@code lengthOut[0]}; -1 if the fragment headers do not add up.
     */
    static int locate(byte[] body, int bodyLength, WalPageMagic magic, long[] lengthOut) {
        int at = 0;
        long dataTotal = 0;
        long mainLength = 0;
        while (bodyLength - at > dataTotal) {
            int blockId = LittleEndian.u8(body, at++);
            if (blockId == BLOCK_ID_DATA_SHORT) {
                if (at + 1 > bodyLength) {
                    return -1;
                }
                mainLength = LittleEndian.u8(body, at++);
                dataTotal += mainLength;
                break; // the main data header always comes last
            } else if (blockId == BLOCK_ID_DATA_LONG) {
                if (at + 4 > bodyLength) {
                    return -1;
                }
                mainLength = LittleEndian.u32(body, at);
                at += 4;
                dataTotal += mainLength;
                break;
            } else if (blockId == BLOCK_ID_ORIGIN) {
                at += 2; // RepOriginId
            } else if (blockId == BLOCK_ID_TOPLEVEL_XID) {
                at += 4; // TransactionId
            } else if (blockId <= MAX_BLOCK_ID) {
                if (at + 3 > bodyLength) {
                    return -1;
                }
                int forkFlags = LittleEndian.u8(body, at);
                dataTotal += LittleEndian.u16(body, at + 1);
                at += 3;
                if ((forkFlags & BKPBLOCK_HAS_IMAGE) != 0) {
                    if (at + 5 > bodyLength) {
                        return -1;
                    }
                    dataTotal += LittleEndian.u16(body, at);
                    int imageInfo = LittleEndian.u8(body, at + 4);
                    at += 5;
                    if (magic.isImageCompressed(imageInfo) && (imageInfo & BKPIMAGE_HAS_HOLE) != 0) {
                        at += 2; // hole length, stored only when it cannot be derived
                    }
                }
                if ((forkFlags & BKPBLOCK_SAME_REL) == 0) {
                    at += REL_FILE_LOCATOR_SIZE;
                }
                at += 4; // BlockNumber
            } else {
                return -1;
            }
            if (at > bodyLength) {
                return -1;
            }
        }
        if (bodyLength - at != dataTotal) {
            return -1;
        }
        lengthOut[0] = mainLength;
        return (int) (bodyLength - mainLength);
    }
}
