package io.cuttle.router;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.nio.ByteBuffer;

/**
 * An allocator whose buffers count every byte written or moved into them: by writes from another
 * buffer, an array or a {@link ByteBuffer}, and by growing, which copies what they held. What a
 * handler built on it copied is then a number a test can bound, with no clock involved.
 */
final class CopyCountingAllocator extends AbstractByteBufAllocator {
  private long bytesCopied;

  CopyCountingAllocator() {
    super(false);
  }

  long bytesCopied() {
    return bytesCopied;
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return new CountingBuf(this, initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private final class CountingBuf extends UnpooledHeapByteBuf {
    CountingBuf(ByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
      bytesCopied += Math.min(capacity(), newCapacity);
      return super.capacity(newCapacity);
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
      bytesCopied += length;
      return super.setBytes(index, src, srcIndex, length);
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
      bytesCopied += length;
      return super.setBytes(index, src, srcIndex, length);
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
      bytesCopied += src.remaining();
      return super.setBytes(index, src);
    }
  }
}
