// sarga-build: packer-style golden-image builder for Proxmox VE (see docs/builder/cli.md).
#include "builder/cli/cli.h"

int main(int argc, char** argv) { return sarga::cli::run(argc, argv); }
