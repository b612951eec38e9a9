// Client behaviour that needs no server: address checks and error decoding.
#include <gtest/gtest.h>

#include "lib/openbao/client.h"

using namespace sarga::openbao;

TEST(OpenBaoClient, AddressMustBeHttpOrHttps) {
  Options o;
  o.address = "bao.example:8200";
  try {
    Client c(o);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("must start with http:// or https://"), std::string::npos);
  }
  o.address = "https://bao.example:8200/v1/";
  EXPECT_EQ(Client(o).options().address, "https://bao.example:8200");
}

TEST(OpenBaoClient, ErrorsCarryStatusAndOpenBaoErrors) {
  Error e = make_error("POST", "pki/root/sign-intermediate", 400,
                       R"({"errors":["1 error occurred:\n\t* csr is required\n\t* bad ttl\n\n","plain"]})");
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.errors(), (std::vector<std::string>{"csr is required", "bad ttl", "plain"}));
  EXPECT_STREQ(e.what(), "OpenBao POST pki/root/sign-intermediate: HTTP 400: csr is required; bad ttl; plain");
  Error html = make_error("GET", "sys/health", 502, "<html>bad gateway</html>\n");
  EXPECT_TRUE(html.errors().empty());
  EXPECT_STREQ(html.what(), "OpenBao GET sys/health: HTTP 502: <html>bad gateway</html>");
  EXPECT_TRUE(make_error("GET", "x", 404, R"({"errors":[]})").not_found());
  EXPECT_STREQ(make_error("GET", "x", 404, R"({"errors":[]})").what(), "OpenBao GET x: HTTP 404");
}

TEST(OpenBaoClient, RefusesPathsThatWouldEscapeTheApi) {
  Options o;
  o.address = "http://127.0.0.1:1";
  o.max_retries = 0;
  Client c(o);
  for (const char* bad : {"", "pki/../sys/raw", "pki/issue/x?list=true", "pki issue", "pki/%2e%2e"}) {
    try {
      c.read(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 0);
      EXPECT_NE(std::string(e.what()).find("invalid API path"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(c.sign_intermediate("pki", {}), std::invalid_argument);  // csr and common_name missing
  GenerateIntermediateRequest g;
  g.common_name = "x";
  g.type = "existing";
  EXPECT_THROW(c.generate_intermediate("pki", g), std::invalid_argument);  // key_ref missing
}
