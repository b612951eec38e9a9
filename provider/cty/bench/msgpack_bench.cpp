// Prints msgpack decode+encode throughput for a ~1 MiB object of mixed content.
// Usage: cty_msgpack_bench [repetitions]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <ctime>
#include <memory>

#include "provider/cty/msgpack.h"

using namespace sarga::cty;

namespace {

Type item_type() {
  return Type::object({
      {"name", Type::string()},
      {"description", Type::string()},
      {"count", Type::number()},
      {"ratio", Type::number()},
      {"big", Type::number()},
      {"enabled", Type::boolean()},
      {"tags", Type::map(Type::string())},
      {"ports", Type::list(Type::number())},
      {"labels", Type::set(Type::string())},
      {"disk", Type::object({{"size", Type::number()}, {"storage", Type::string()}, {"ssd", Type::boolean()}})},
      {"note", Type::string()},
  });
}

Value item(int i) {
  Value::MapElements tags;
  for (int t = 0; t < 4; ++t) tags.emplace("tag" + std::to_string(t), Value::string("value-" + std::to_string(i * 7 + t)));
  Value::Elements ports;
  for (int p = 0; p < 6; ++p) ports.push_back(Value::number_int(1000 + i + p * 1000));
  Value::Elements labels;
  for (int l = 0; l < 3; ++l) labels.push_back(Value::string("label-" + std::to_string((i + l) % 50)));
  return Value::object({
      {"name", Value::string("vm-" + std::to_string(i))},
      {"description", Value::string("A test machine number " + std::to_string(i) + " with a longer text field")},
      {"count", Value::number_int(i * 31 - 500)},
      {"ratio", Value::number_float(i + 0.5)},
      {"big", Value::number_parse("123456789012345678901234567890." + std::to_string(i % 10) + "1")},
      {"enabled", Value::boolean(i % 2 == 0)},
      {"tags", Value::map(std::move(tags))},
      {"ports", Value::list(std::move(ports))},
      {"labels", Value::set(std::move(labels))},
      {"disk", Value::object({{"size", Value::number_int(32LL << 30)},
                              {"storage", Value::string("local-lvm")},
                              {"ssd", Value::boolean(true)}})},
      {"note", i % 5 == 0 ? Value::null(Type::string()) : Value::unknown(Type::string())},
  });
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 50;
  Type type = Type::object({{"items", Type::list(item_type())}, {"id", Type::string()}});
  Value::Elements items;
  std::string bytes;
  for (int i = 0; bytes.size() < (1u << 20); ++i) {
    for (int k = 0; k < 200; ++k) items.push_back(item(static_cast<int>(items.size())));
    bytes = to_msgpack(Value::object({{"items", Value::list(items)}, {"id", Value::string("bench")}}), type);
  }
  std::printf("payload: %zu bytes, %zu items\n", bytes.size(), items.size());

  // CPU time of this process, so a busy shared machine skews the figure less than wall time.
  struct Clock {
    using time_point = double;
    static double now() {
      timespec ts;
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
  };
  auto wall0 = std::chrono::steady_clock::now();
  double decode_s = 0, encode_s = 0, free_s = 0;
  size_t check = 0;
  for (int r = 0; r < reps; ++r) {
    double t0 = Clock::now();
    auto v = std::make_unique<Value>(from_msgpack(bytes, type));
    double t1 = Clock::now();
    std::string again = to_msgpack(*v, type);
    double t2 = Clock::now();
    v.reset();  // an RPC frees its decoded values too: count it separately
    double t3 = Clock::now();
    if (again != bytes) {
      std::fprintf(stderr, "round trip changed the bytes\n");
      return 1;
    }
    check += again.size();
    decode_s += t1 - t0;
    encode_s += t2 - t1;
    free_s += t3 - t2;
  }
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double mb = static_cast<double>(bytes.size()) * reps / 1e6;
  std::printf("repetitions: %d\n", reps);
  std::printf("decode:        %8.1f MB/s\n", mb / decode_s);
  std::printf("encode:        %8.1f MB/s\n", mb / encode_s);
  std::printf("decode+encode: %8.1f MB/s (%.2f ms CPU per round trip; CPU time)\n", mb / (decode_s + encode_s),
              1000 * (decode_s + encode_s) / reps);
  std::printf("decode+encode+free: %8.1f MB/s (CPU time, freeing the decoded value included)\n",
              mb / (decode_s + encode_s + free_s));
  std::printf("wall clock:    %8.1f MB/s (includes freeing values and time lost to other processes)\n",
              mb / wall_s);
  return check == 0;
}
