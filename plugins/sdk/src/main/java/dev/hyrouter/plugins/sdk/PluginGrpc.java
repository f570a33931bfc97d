package dev.hyrouter.plugins.sdk;

import com.dslplatform.json.JsonReader;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.json.PluginJson;
import dev.hyrouter.plugin.json.PluginJsonException;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

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

    private static final ThreadLocal<JsonReader<Object>> READERS = ThreadLocal.withInitial(PluginJson::newReader);

    public static final MethodDescriptor.Marshaller<ConnectRequest> REQUEST = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(ConnectRequest value) {
            return new Bytes(PluginJson.requestBytes(value));
        }

        @Override
        public ConnectRequest parse(InputStream stream) {
            byte[] b = readAll(stream);
            try {
                return PluginJson.readRequest(READERS.get(), b, b.length);
            } catch (PluginJsonException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
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
            byte[] b = readAll(stream);
            try {
                return PluginJson.readResponse(READERS.get(), b, b.length);
            } catch (PluginJsonException e) {
                throw Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
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

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read message: " + e.getMessage()).asRuntimeException();
        }
    }

    /** A message of known length, so gRPC frames it without copying into a buffer first. */
    private static final class Bytes extends ByteArrayInputStream implements KnownLength {
        Bytes(byte[] b) {
            super(b);
        }
    }
}
