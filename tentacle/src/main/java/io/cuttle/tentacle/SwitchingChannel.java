package io.cuttle.tentacle;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A gRPC channel that sends each new call to whichever channel is current, so stubs built once keep
 * working across a switch of key or pins. Each call is counted in the {@link InFlightCalls} of the
 * channel it went to, so the old channel can be closed once its last call has ended.
 */
final class SwitchingChannel extends Channel {
  private record Target(Channel channel, InFlightCalls inFlight) {}

  private volatile Target current;

  SwitchingChannel(Channel channel, InFlightCalls inFlight) {
    this.current = new Target(channel, inFlight);
  }

  void switchTo(Channel channel, InFlightCalls inFlight) {
    current = new Target(channel, inFlight);
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    Target target = current;
    ClientCall<Q, R> call = target.channel().newCall(method, options);
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        target.inFlight().started();
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                target.inFlight().ended();
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  @Override
  public String authority() {
    return current.channel().authority();
  }
}
