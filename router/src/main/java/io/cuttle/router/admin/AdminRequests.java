package io.cuttle.router.admin;

import io.cuttle.router.RouterServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Answers the admin port's requests, one per connection: every answer closes it, which keeps {@link
 * RequestDeadline} simple and costs a scraper nothing it would notice.
 */
@ChannelHandler.Sharable
final class AdminRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final RouterServer router;
  private final Optional<RouterReloader> reloader;

  AdminRequests(RouterServer router, Optional<RouterReloader> reloader) {
    this.router = router;
    this.reloader = reloader;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    Answer answer =
        request.decoderResult().isFailure()
            ? new Answer(HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed request\n", null)
            : answer(request.method(), new QueryStringDecoder(request.uri()).path());
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            answer.status(),
            Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, answer.type() + "; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (answer.allow() != null) {
      response.headers().set(HttpHeaderNames.ALLOW, answer.allow());
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private Answer answer(HttpMethod method, String path) {
    switch (path) {
      case "/metrics":
        return method.equals(HttpMethod.GET)
            ? new Answer(
                HttpResponseStatus.OK, "text/plain; version=0.0.4", router.metrics().scrape(), null)
            : wrongMethod(HttpMethod.GET);
      case "/health/live":
        // The admin port answers on its own event loop: an answer means the process runs.
        return method.equals(HttpMethod.GET)
            ? new Answer(HttpResponseStatus.OK, "text/plain", "live\n", null)
            : wrongMethod(HttpMethod.GET);
      case "/health/ready":
        if (!method.equals(HttpMethod.GET)) {
          return wrongMethod(HttpMethod.GET);
        }
        return router.accepting()
            ? new Answer(HttpResponseStatus.OK, "text/plain", "ready\n", null)
            : new Answer(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "text/plain",
                "not ready: the router is not accepting connections (shutting down)\n",
                null);
      case "/routes":
        return method.equals(HttpMethod.GET)
            ? new Answer(HttpResponseStatus.OK, "text/plain", router.routes() + "\n", null)
            : wrongMethod(HttpMethod.GET);
      case "/reload":
        if (!method.equals(HttpMethod.POST)) {
          return wrongMethod(HttpMethod.POST);
        }
        if (reloader.isEmpty()) {
          return new Answer(
              HttpResponseStatus.CONFLICT,
              "text/plain",
              "not reloadable: this router was started with flags, not --config\n",
              null);
        }
        RouterReloader.Outcome outcome = reloader.get().reload();
        return new Answer(
            outcome.applied() ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST,
            "text/plain",
            outcome.message() + "\n",
            null);
      default:
        return new Answer(
            HttpResponseStatus.NOT_FOUND,
            "text/plain",
            "no such page: "
                + path
                + " (expected: /metrics, /health/live, /health/ready, /routes or /reload)\n",
            null);
    }
  }

  private static Answer wrongMethod(HttpMethod allowed) {
    return new Answer(
        HttpResponseStatus.METHOD_NOT_ALLOWED,
        "text/plain",
        "use " + allowed + "\n",
        allowed.name());
  }

  /**
   * @param allow the one method the path takes, for a 405; null otherwise
   */
  private record Answer(HttpResponseStatus status, String type, String body, String allow) {}
}
