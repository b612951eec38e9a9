// terraform-provider-sarga: the OpenTofu provider binary.
//
//   terraform-provider-sarga                      serve (started by tofu; go-plugin handshake)
//   terraform-provider-sarga -debug               serve for a person; prints TF_REATTACH_PROVIDERS
//   terraform-provider-sarga docs DIR [--check] [--examples DIR]
//                                                 write (or compare) the registry docs in DIR
//   terraform-provider-sarga version
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "lib/log/log.h"
#include "provider/framework/docs.h"
#include "provider/framework/grpc_service.h"
#include "provider/framework/provider.h"
#include "provider/plugin/serve.h"
#include "provider/resources/register.h"

#ifndef SARGA_VERSION
#define SARGA_VERSION "0.1.0"
#endif

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: terraform-provider-sarga [-debug]\n"
               "       terraform-provider-sarga docs DIR [--check] [--examples DIR]\n"
               "       terraform-provider-sarga version\n");
  return 2;
}

int run_docs(int argc, char** argv, const sarga::framework::Provider& provider) {
  std::string dir, examples;
  bool check = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--check") {
      check = true;
    } else if (a == "--examples" && i + 1 < argc) {
      examples = argv[++i];
    } else if (!a.empty() && a[0] != '-' && dir.empty()) {
      dir = a;
    } else {
      return usage();
    }
  }
  if (dir.empty()) return usage();
  if (examples.empty()) examples = dir + "/../examples";
  auto files = sarga::framework::docs::render(provider, examples);
  if (check) {
    auto problems = sarga::framework::docs::check(files, dir);
    if (problems.empty()) {
      std::printf("docs are up to date (%zu files)\n", files.size());
      return 0;
    }
    std::fprintf(stderr, "docs are stale; regenerate them with `terraform-provider-sarga docs %s`:\n", dir.c_str());
    for (const auto& p : problems) std::fprintf(stderr, "  %s\n", p.c_str());
    return 1;
  }
  size_t n = sarga::framework::docs::write(files, dir);
  std::printf("wrote %zu of %zu files under %s\n", n, files.size(), dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // gRPC serves RPCs on many threads; one malloc arena per thread would add megabytes of
  // resident memory for no gain in a provider (issue target: RSS <= 20 MB at 200 resources).
  mallopt(M_ARENA_MAX, 2);
  // Registration problems are bugs: report them on stderr (stdout belongs to the handshake).
  sarga::framework::Provider provider(SARGA_VERSION);
  try {
    sarga::resources::register_all(provider);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "terraform-provider-sarga: %s\n", e.what());
    return 1;
  }

  if (argc >= 2 && std::strcmp(argv[1], "docs") == 0) {
    try {
      return run_docs(argc, argv, provider);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "docs: %s\n", e.what());
      return 1;
    }
  }
  if (argc >= 2 && std::strcmp(argv[1], "version") == 0) {
    std::printf("terraform-provider-sarga %s\n", SARGA_VERSION);
    return 0;
  }

  sarga::log::set_module("sarga");
  sarga::framework::GrpcService service(provider);
  sarga::plugin::ServeOptions options;
  options.provider_address = "registry.opentofu.org/sarga/sarga";
  return sarga::plugin::serve(argc, argv, {&service}, options);
}
