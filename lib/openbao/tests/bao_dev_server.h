// Test helper: a real `bao server -dev` on a free loopback port (optionally with -dev-tls),
// started from the pinned binary ($SARGA_BAO, else scripts/lib/get-bao.sh) and killed with
// the test process. A missing binary is a setup error: it throws, failing the test.
#pragma once

#include <memory>
#include <string>

namespace sarga::openbao::testing {

class BaoDevServer {
 public:
  explicit BaoDevServer(bool tls = false);
  ~BaoDevServer();
  BaoDevServer(const BaoDevServer&) = delete;
  BaoDevServer& operator=(const BaoDevServer&) = delete;

  const std::string& address() const { return address_; }
  const std::string& root_token() const { return token_; }
  const std::string& ca_file() const { return ca_file_; }  // -dev-tls only
  std::string log_tail() const;

  // One plain server shared by the tests of the process (started on first use).
  static BaoDevServer& shared();

 private:
  void start_once(bool tls);
  void stop();
  int pid_ = -1;
  std::string dir_, address_, token_, ca_file_, log_;
};

std::string find_bao();

}  // namespace sarga::openbao::testing
