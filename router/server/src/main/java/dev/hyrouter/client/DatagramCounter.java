package dev.hyrouter.client;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;

/**
 * Counts the UDP datagrams and bytes one client socket sends and receives, in front of its QUIC
 * codec: what a session costs on the wire in each direction, seen from the client, so a load run
 * can report packets per session without counters in the server under test. One instance per
 * socket, touched only by that socket's event loop; read after the run (plain fields: a reader on
 * another thread sees values at most a few datagrams old).
 */
public final class DatagramCounter extends ChannelDuplexHandler {
    private long sent;
    private long sentBytes;
    private long received;
    private long receivedBytes;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket p) {
            received++;
            receivedBytes += p.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // The client's sockets are NIO: they never write segmented (GSO) packets. An empty
        // datagram is not counted: Netty's QUIC codec writes one to the socket when a client
        // connection closes, and the datagram channel drops it without a system call, so counting
        // it added one datagram per session that never reached the wire (seen against a UDP relay).
        if (msg instanceof DatagramPacket p && p.content().isReadable()) {
            sent++;
            sentBytes += p.content().readableBytes();
        }
        ctx.write(msg, promise);
    }

    /** Totals of several sockets' counters. */
    public record Totals(long sent, long sentBytes, long received, long receivedBytes) {
        static Totals of(Iterable<DatagramCounter> counters) {
            long s = 0;
            long sb = 0;
            long r = 0;
            long rb = 0;
            for (DatagramCounter c : counters) {
                s += c.sent;
                sb += c.sentBytes;
                r += c.received;
                rb += c.receivedBytes;
            }
            return new Totals(s, sb, r, rb);
        }
    }
}
