# Conventions shared by every folder.
#
# sarga_library(NAME [DEPS ...]): a static library from the *.cpp files of the current
#   folder (not recursive); headers are included as "folder/file.h" from the repo root.
# sarga_tests(NAME [DEPS ...]): one GoogleTest executable from tests/*_test.cpp of the
#   current folder, each test registered with ctest.
# sarga_fuzzer(NAME SOURCE [CORPUS dir] [DEPS ...]): a libFuzzer target when SARGA_FUZZ is on,
#   listed in <build>/fuzzers.tsv for scripts/lib/fuzz.sh (corpus default: fuzz/corpus).
# Benchmarks live in <folder>/bench/, fuzz targets in <folder>/fuzz/, beside the code.
function(sarga_library name)
  cmake_parse_arguments(A "" "" "DEPS;SOURCES" ${ARGN})
  if(A_SOURCES)
    set(srcs ${A_SOURCES})
  else()
    file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra)
endfunction()

file(REMOVE ${PROJECT_BINARY_DIR}/fuzzers.tsv)
include(GoogleTest)
function(sarga_tests name)
  cmake_parse_arguments(A "" "" "DEPS" ${ARGN})
  if(NOT SARGA_TESTS)
    return()
  endif()
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/*_test.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    SARGA_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SARGA_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "SARGA_SOURCE_DIR=${PROJECT_SOURCE_DIR};SARGA_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()

function(sarga_fuzzer name source)
  cmake_parse_arguments(A "" "CORPUS" "DEPS" ${ARGN})
  if(NOT SARGA_FUZZ)
    return()
  endif()
  add_executable(${name} ${source})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
  target_link_libraries(${name} PRIVATE ${A_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  # scripts/lib/fuzz.sh reads this list: target, executable, seed corpus.
  if(NOT A_CORPUS)
    set(A_CORPUS fuzz/corpus)
  endif()
  cmake_path(ABSOLUTE_PATH A_CORPUS BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  file(APPEND ${PROJECT_BINARY_DIR}/fuzzers.tsv "${name}\t${CMAKE_CURRENT_BINARY_DIR}/${name}\t${A_CORPUS}\n")
endfunction()
