#include "provider/resources/org_intermediate/openbao_session.h"

namespace sarga::resources::org_intermediate {

std::unique_ptr<OpenBaoSession> OpenBaoSession::open(const framework::Context& ctx,
                                                     framework::Diagnostics& diags) {
  const framework::OpenBaoSettings* s = ctx.provider->require_openbao("sarga_org_intermediate", diags);
  if (!s) return nullptr;
  std::unique_ptr<OpenBaoSession> session(new OpenBaoSession());
  openbao::Options o;
  o.address = s->address;
  o.token = s->token;
  o.namespace_ = s->namespace_;
  o.tls.ca_file = s->ca_file;
  o.tls.insecure = s->insecure;
  o.cancel = &session->stop_;
  try {
    session->client_ = std::make_unique<openbao::Client>(std::move(o));
  } catch (const std::exception& e) {
    diags.error("Invalid OpenBao settings", e.what());
    return nullptr;
  }
  session->token_ = ctx.cancel;
  OpenBaoSession* raw = session.get();
  session->callback_ = ctx.cancel.on_cancel([raw] { raw->stop_ = true; });
  return session;
}

OpenBaoSession::~OpenBaoSession() { token_.remove_callback(callback_); }

std::string explain(const std::string& what, const std::exception& e) {
  std::string text = what + ": " + e.what();
  if (const auto* be = dynamic_cast<const openbao::Error*>(&e)) {
    if (be->forbidden())
      text += "\nThe token is not allowed to do this: give it a policy with the needed capabilities on \"" +
              be->path() + "\" (create/update for writes, read for reads, sudo for sys/mounts changes).";
    else if (be->not_found())
      text += "\nOpenBao has nothing at \"" + be->path() + "\": check the mount path.";
  }
  return text;
}

}  // namespace sarga::resources::org_intermediate
