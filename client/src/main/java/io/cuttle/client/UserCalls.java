package io.cuttle.client;

import static io.cuttle.client.ApiTransport.encode;

import io.cuttle.wire.api.ApiKeyView;
import io.cuttle.wire.api.CreateApiKeyRequest;
import io.cuttle.wire.api.CreateUserRequest;
import io.cuttle.wire.api.SetPasswordRequest;
import io.cuttle.wire.api.SetRoleRequest;
import io.cuttle.wire.api.UserView;
import java.util.List;

/** Users and their API keys. */
interface UserCalls {
  ApiTransport transport();

  default List<UserView> users() {
    return transport().list("/api/users", UserView.class);
  }

  default UserView createUser(CreateUserRequest request) {
    return transport().post("/api/users", request, UserView.class);
  }

  default UserView setPassword(String user, String password) {
    return transport()
        .put(
            "/api/users/" + encode(user) + "/password",
            new SetPasswordRequest(password),
            UserView.class);
  }

  default UserView disableUser(String user) {
    return transport().post("/api/users/" + encode(user) + "/disable", null, UserView.class);
  }

  default UserView enableUser(String user) {
    return transport().post("/api/users/" + encode(user) + "/enable", null, UserView.class);
  }

  default UserView setRole(String user, String role) {
    return transport()
        .put("/api/users/" + encode(user) + "/role", new SetRoleRequest(role), UserView.class);
  }

  default void deleteUser(String user) {
    transport().delete("/api/users/" + encode(user), Void.class);
  }

  /** API keys, all or those of {@code user} (null: all). */
  default List<ApiKeyView> apiKeys(String user) {
    return transport()
        .list("/api/api-keys" + (user == null ? "" : "?user=" + encode(user)), ApiKeyView.class);
  }

  /** A new API key; its value is in this answer only. */
  default ApiKeyView.Created createApiKey(CreateApiKeyRequest request) {
    return transport().post("/api/api-keys", request, ApiKeyView.Created.class);
  }

  default ApiKeyView revokeApiKey(String id) {
    return transport().delete("/api/api-keys/" + encode(id), ApiKeyView.class);
  }
}
