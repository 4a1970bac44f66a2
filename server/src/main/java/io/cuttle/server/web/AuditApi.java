package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.cuttle.server.data.AuditLog;

/** {@code /api/audit}: the audit log, newest first, paged by {@code before}. */
final class AuditApi {
  private static final int MAX_PAGE = 500;
  private final AuditLog audit;
  private final JsonResponses responses;

  AuditApi(AuditLog audit, JsonResponses responses) {
    this.audit = audit;
    this.responses = responses;
  }

  @Get("/audit")
  public HttpResponse recent(
      @Param("before") @Default("0") long before, @Param("limit") @Default("100") int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw ApiException.badRequest("limit: " + limit + " (expected: 1 to " + MAX_PAGE + ")");
    }
    if (before < 0) {
      throw ApiException.badRequest("before: " + before + " (expected: an entry id, or 0)");
    }
    return responses.ok(audit.recent(before, limit));
  }
}
