# Debian 12 packages only (scripts/lib/deps.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(LibArchive REQUIRED)
# The static archive: the provider uses only the ISO 9660 writer, so with --as-needed it
# does not load libxml2, nettle, acl and the compressors that the shared library drags in
# at every start. The builder links the compressors it uses.
find_library(SARGA_STATIC_LIBARCHIVE NAMES libarchive.a REQUIRED)
set_target_properties(LibArchive::LibArchive PROPERTIES
  IMPORTED_LOCATION ${SARGA_STATIC_LIBARCHIVE}
  INTERFACE_LINK_LIBRARIES "nettle;acl;lzma;zstd;lz4;bz2;z;xml2")
find_package(nlohmann_json 3 REQUIRED)
option(SARGA_STATIC_GRPC "Link gRPC, protobuf and abseil statically (provider starts ~2x faster)" ON)
if(SARGA_STATIC_GRPC)
  set(Protobuf_USE_STATIC_LIBS ON)
endif()
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)           # gRPC::grpc++
if(SARGA_STATIC_GRPC)
  # Debian ships the .a files; pkg-config --static lists the whole closure (abseil, re2,
  # c-ares, upb, zlib). OpenSSL stays shared so libcurl and gRPC use one copy.
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SARGA_GRPC REQUIRED grpc++)
  set(_sarga_grpc_static)
  foreach(_lib IN LISTS SARGA_GRPC_STATIC_LIBRARIES)
    if(_lib MATCHES "^(ssl|crypto|dl|rt|pthread|atomic|m)$")
      continue()
    endif()
    find_library(SARGA_STATIC_LIB_${_lib} NAMES lib${_lib}.a REQUIRED)
    list(APPEND _sarga_grpc_static ${SARGA_STATIC_LIB_${_lib}})
  endforeach()
  find_library(SARGA_STATIC_PROTOBUF NAMES libprotobuf.a REQUIRED)
  set_target_properties(protobuf::libprotobuf PROPERTIES
    IMPORTED_LOCATION ${SARGA_STATIC_PROTOBUF} IMPORTED_LOCATION_NONE ${SARGA_STATIC_PROTOBUF})
  set_target_properties(gRPC::grpc++ PROPERTIES
    IMPORTED_LOCATION_NONE ${SARGA_STATIC_LIB_grpc++}
    INTERFACE_LINK_LIBRARIES
      "-Wl,--start-group;${_sarga_grpc_static};${SARGA_STATIC_PROTOBUF};-Wl,--end-group;OpenSSL::SSL;OpenSSL::Crypto;Threads::Threads;dl;rt;atomic")
endif()
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
find_package(msgpack CONFIG REQUIRED)        # msgpackc-cxx (header-only)
find_package(yaml-cpp REQUIRED)
# Static, like libarchive: the provider maps only the parser code it uses.
find_library(SARGA_STATIC_YAML_CPP NAMES libyaml-cpp.a REQUIRED)
get_target_property(_sarga_yaml_includes yaml-cpp INTERFACE_INCLUDE_DIRECTORIES)
add_library(sarga::yaml-cpp STATIC IMPORTED)
set_target_properties(sarga::yaml-cpp PROPERTIES IMPORTED_LOCATION ${SARGA_STATIC_YAML_CPP}
  INTERFACE_INCLUDE_DIRECTORIES "${_sarga_yaml_includes}")
find_package(CLI11 CONFIG REQUIRED)          # CLI11::CLI11
find_package(GTest REQUIRED)
# cpp-httplib ships a compiled library without a CMake package on Debian 12.
find_library(HTTPLIB_LIBRARY cpp-httplib REQUIRED)
add_library(httplib::httplib UNKNOWN IMPORTED)
set_target_properties(httplib::httplib PROPERTIES IMPORTED_LOCATION ${HTTPLIB_LIBRARY}
  INTERFACE_COMPILE_DEFINITIONS "CPPHTTPLIB_OPENSSL_SUPPORT;CPPHTTPLIB_ZLIB_SUPPORT"
  INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto")
