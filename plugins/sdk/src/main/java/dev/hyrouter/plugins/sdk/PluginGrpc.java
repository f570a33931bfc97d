package dev.hyrouter.plugins.sdk;

import com.dslplatform.json.JsonReader;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.json.PluginJson;
import dev.hyrouter.plugin.json.PluginJsonException;
import com.dslplatform.json.JsonWriter;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The plugin service as the original defines it: service {@code hyrouter.Plugin}, unary method
 * {@code OnConnect}, whose messages are the JSON documents (not protobuf). Marshallers use
 * {@link PluginJson}, so the bytes are those a Go plugin server sends and expects.
 */
public final class PluginGrpc {
    public static final String SERVICE = "hyrouter.Plugin";
    public static final String FULL_METHOD = SERVICE + "/OnConnect";
    /** What a Go plugin server (codec chosen by content-subtype) needs to pick its JSON codec. */
    public static final String JSON_CONTENT_TYPE = "application/grpc+json";

    // Per thread (in the router, per event loop, where calls start and complete): a call then
    // allocates its request bytes and its decoded response, not a writer, an 8 KiB copy buffer in
    // gRPC's framer and an 8 KiB read buffer besides.
    private static final ThreadLocal<JsonReader<Object>> READERS = ThreadLocal.withInitial(PluginJson::newReader);
    private static final ThreadLocal<JsonWriter> WRITERS = ThreadLocal.withInitial(PluginJson::newWriter);
    private static final int SCRATCH_BYTES = 2048;
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[SCRATCH_BYTES]});
    /** A scratch array grown past this for one large message is dropped after it, not kept per thread. */
    private static final int SCRATCH_KEEP_BYTES = 64 * 1024;

    public static final MethodDescriptor.Marshaller<ConnectRequest> REQUEST = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(ConnectRequest value) {
            JsonWriter w = WRITERS.get();
            PluginJson.writeRequest(w, value);
            return new Bytes(Arrays.copyOf(w.getByteBuffer(), w.size()));
        }

        @Override
        public ConnectRequest parse(InputStream stream) {
            byte[][] scratch = SCRATCH.get();
            int n = readAll(stream, scratch);
            try {
                return PluginJson.readRequest(READERS.get(), scratch[0], n);
            } catch (PluginJsonException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            } finally {
                trim(scratch);
            }
        }
    };

    public static final MethodDescriptor.Marshaller<ConnectResponse> RESPONSE = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(ConnectResponse value) {
            return new Bytes(PluginJson.responseBytes(value));
        }

        @Override
        public ConnectResponse parse(InputStream stream) {
            byte[][] scratch = SCRATCH.get();
            int n = readAll(stream, scratch);
            try {
                return PluginJson.readResponse(READERS.get(), scratch[0], n);
            } catch (PluginJsonException e) {
                throw Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
            } finally {
                trim(scratch);
            }
        }
    };

    public static final MethodDescriptor<ConnectRequest, ConnectResponse> ON_CONNECT =
            MethodDescriptor.<ConnectRequest, ConnectResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(FULL_METHOD)
                    .setRequestMarshaller(REQUEST)
                    .setResponseMarshaller(RESPONSE)
                    .build();

    private PluginGrpc() {
    }

    /** Reads the whole message into {@code scratch[0]} (grown as needed; gRPC's inbound limit bounds it) and returns its length. */
    static int readAll(InputStream in, byte[][] scratch) {
        try {
            byte[] b = scratch[0];
            int known = in.available(); // exact for gRPC's received messages (KnownLength)
            if (known >= b.length) {
                b = scratch[0] = new byte[known + 1];
            }
            int n = 0;
            while (true) {
                if (n == b.length) {
                    b = scratch[0] = Arrays.copyOf(b, b.length * 2);
                }
                int r = in.read(b, n, b.length - n);
                if (r < 0) {
                    return n;
                }
                n += r;
            }
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read message: " + e.getMessage()).asRuntimeException();
        }
    }

    private static void trim(byte[][] scratch) {
        if (scratch[0].length > SCRATCH_KEEP_BYTES) {
            scratch[0] = new byte[SCRATCH_BYTES];
        }
    }

    /**
     * A message of known length that drains straight into gRPC's framer (no intermediate copy
     * buffer, which gRPC allocates for a stream it has to read).
     */
    private static final class Bytes extends ByteArrayInputStream implements KnownLength, Drainable {
        Bytes(byte[] b) {
            super(b);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
