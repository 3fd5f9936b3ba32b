package dev.lifeboat.core.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Reads PostgreSQL's on-disk integers, little-endian on every platform we archive from. */
final class LittleEndian {

    // One load each where byte-by-byte assembly costs several: the scanner reads a few per record.
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u16(byte[] b, int at) {
        return (short) SHORT.get(b, at) & 0xFFFF;
    }

    static long u32(byte[] b, int at) {
        return i32(b, at) & 0xFFFF_FFFFL;
    }

    static int i32(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static long i64(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }
}
