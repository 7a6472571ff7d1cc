// The ring beside its peers, in both regimes the engine meets, with paired
// ratios: every round measures every ring once, in a new random order, and
// report.py divides each ring's figure by the rtrb crate's of the same round
// (the C++ rtrb peer's when the run had no crate), so a
// change of the machine's state between rounds (on a VM the two vCPUs move
// between host cores) moves both sides of a ratio together.
//
//   ring_compare [--rounds N] [--quick] [--json FILE] [--rtrb-crate PROGRAM]
//                [--elements Message,16a8,32a8,16a4,24a4,32a4]
//                [--workloads throughput,slow_consumer,...] [--rings ringengine,...]
//
// --rtrb-crate runs the real rtrb crate (benchmarks/rtrb_crate, built by
// tools/rtrb_crate.sh from rtrb's own source) once per workload and size in
// every round, as one more ring of the round's random order: the program
// measures one run in the same loop and prints its figure, so its ratios
// are paired with ours as the in-process rings' are.
//
// Workloads, with the producer and the consumer pinned to cores 0 and 1,
// room for 1024 elements, one element per call unless said:
//   throughput     a consumer that keeps up: pop, count, pop again
//   slow_consumer  a fixed amount of work per message (16 multiply-adds),
//                  as an audio thread that drains once per block is
//   round_trip     ping over one ring, the echo back over another
//   bulk64         throughput with try_push_bulk / try_pop_bulk of 64
// and, beside two of them, the same work without a ring ("no_ring"): for
// slow_consumer the consumer's work alone, a ceiling no ring's throughput
// passes; for round_trip a mailbox of one cache line each way, the least
// a handoff of one message can move between the cores.
// Elements: the engine's Message (24 bytes, aligned to 8), 16 and 32 bytes
// aligned to 8, and 16, 24 and 32 bytes aligned to 4 (see Element below).
// Each consumer thread owns its end of the ring, as a real one does.
// tools/bench.sh runs it; benchmarks/report.py makes the table.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <sys/wait.h>

#include <boost/lockfree/spsc_queue.hpp>
#include <readerwriterqueue/readerwriterqueue.h>

#include "rtrb_peer.hpp"
#include "messages/message.hpp"
#include "rings/spsc_ring.hpp"

namespace {

constexpr std::size_t kCapacity = 1024;
constexpr int kWorkSteps = 16; // the slow consumer's work per message
constexpr std::size_t kBulk = 64;
constexpr const char* kAllElements = "Message,16a8,32a8,16a4,24a4,32a4";

// The elements every ring is measured on, the crate's harness too
// (benchmarks/rtrb_crate has the same six): the engine's own Message (24
// bytes, aligned to 8), what the command and reply rings carry; 16 and 32
// bytes aligned to 8; and 16, 24 and 32 bytes aligned to 4, the elements of
// the runs before issue 39. Each has a 32-bit `id` the loops count with.
// The rest is 32-bit words, not bytes: GCC keeps a message made of words in
// registers and stores it straight into the slot, where bytes made it build
// the message on the stack and copy it out with a load wider than the id's
// store, which the CPU cannot forward (a stall of some 10 cycles per push:
// 85 M msg/s for every size against 210 for Message, whose fields are scalars).
template <std::size_t N, std::size_t A> struct alignas(A) Element {
  std::uint32_t id;
  std::array<std::uint32_t, (N - sizeof(std::uint32_t)) / 4> rest;
};
static_assert(sizeof(Element<16, 8>) == 16 && alignof(Element<16, 8>) == 8);
static_assert(sizeof(Element<32, 8>) == 32 && alignof(Element<32, 8>) == 8);
static_assert(sizeof(Element<24, 4>) == 24 && alignof(Element<24, 4>) == 4);
static_assert(sizeof(ringengine::Message) == 24 && alignof(ringengine::Message) == 8);

// ---- The rings behind one interface -----------------------------------------
//
// make() returns the two ends, so that the consumer thread owns its end, as
// a real consumer thread does (the crate's harness moves its Consumer into
// the thread). Ours are the ring's own Producer and Consumer; the peers are
// one object, and each end holds a pointer to it.

template <typename T> struct Ours {
  struct P {
    ringengine::Producer<T> p;
    bool push(const T& m) { return p.try_push(m); }
    std::size_t push_bulk(const T* m, std::size_t n) { return p.try_push_bulk(m, n); }
  };
  struct C {
    ringengine::Consumer<T> c;
    bool pop(T& m) { return c.try_pop(m); }
    std::size_t pop_bulk(T* m, std::size_t n) { return c.try_pop_bulk(m, n); }
  };
  static std::pair<P, C> make() {
    auto [p, c] = ringengine::make_ring<T>(kCapacity);
    return {P{std::move(p)}, C{std::move(c)}};
  }
};

// Both ends of a ring that is one object: each end holds the shared pointer.
template <typename Q> struct Shared {
  std::shared_ptr<Q> q;
  bool push(const auto& m) { return q->push(m); }
  bool pop(auto& m) { return q->pop(m); }
  std::size_t push_bulk(const auto* m, std::size_t n) { return q->push_bulk(m, n); }
  std::size_t pop_bulk(auto* m, std::size_t n) { return q->pop_bulk(m, n); }
  static std::pair<Shared, Shared> make() {
    auto q = std::make_shared<Q>();
    return {Shared{q}, Shared{q}};
  }
};

template <typename T> struct RtrbPeerRing {
  rtrb_peer::RingBuffer<T> q{kCapacity};
  bool push(const T& m) { return q.push(m); }
  bool pop(T& m) { return q.pop(m); }
};
template <typename T> using RtrbPeer = Shared<RtrbPeerRing<T>>;

template <typename T> struct BoostRing {
  // capacity<N> holds N - 1 elements: one more slot for the same room.
  boost::lockfree::spsc_queue<T, boost::lockfree::capacity<kCapacity + 1>> q;
  bool push(const T& m) { return q.push(m); }
  bool pop(T& m) { return q.pop(m); }
  std::size_t push_bulk(const T* m, std::size_t n) { return q.push(m, n); }
  std::size_t pop_bulk(T* m, std::size_t n) { return q.pop(m, n); }
};
template <typename T> using Boost = Shared<BoostRing<T>>;

template <typename T> struct MoodyRing {
  moodycamel::ReaderWriterQueue<T> q{kCapacity};
  bool push(const T& m) { return q.try_enqueue(m); } // never allocates
  bool pop(T& m) { return q.try_dequeue(m); }
};
template <typename T> using Moody = Shared<MoodyRing<T>>;

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % std::max(1u, std::thread::hardware_concurrency()), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

inline void work(int steps) {
  std::uint64_t x = 1;
  for (int i = 0; i < steps; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    asm volatile("" : "+r"(x)); // a dependent chain the compiler must keep
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Starts `body` on a thread pinned to core 1 and returns once it runs there,
// so that neither the thread's start nor its move off core 0 falls inside a
// timing: a run of 2^19 messages lasts a few milliseconds, about what the new
// thread can wait to be scheduled on core 0, where it starts (it inherits our
// affinity) and where our thread would be spinning. We yield meanwhile.
template <typename F> std::thread start_on_core1(F body) {
  std::atomic<bool> running{false};
  std::thread t([&running, body = std::move(body)]() mutable {
    pin_to_cpu(1);
    running.store(true, std::memory_order_release); // the last we touch of our starter's frame
    body();
  });
  while (!running.load(std::memory_order_acquire))
    std::this_thread::yield();
  return t;
}

// ---- Workloads: each returns its figure (M msg/s, or ns per round trip) ----

template <typename Q, typename T> double throughput(std::uint64_t messages, int steps) {
  auto [producer, consumer_end] = Q::make();
  pin_to_cpu(0);
  std::uint64_t total = 0;
  // The consumer owns its end and takes the counts by value: captured by
  // reference they would be read, on every pop, from the producer's stack
  // frame, in the line where the producer writes each message it pushes, and
  // that line would cross between the cores once per message. (It did: with
  // [&] the rtrb peer kept up at a quarter of the rtrb crate's speed, whose
  // ends are moved into their threads.)
  std::thread consumer = start_on_core1(
      [c = std::move(consumer_end), messages, steps, &total]() mutable {
        T m;
        std::uint64_t sum = 0; // local: a shared one would bounce with the producer's stack
        for (std::uint64_t got = 0; got < messages;)
          if (c.pop(m)) {
            sum += m.id; // ids count up from 0 without wrapping (messages < 2^32)
            ++got;
            work(steps);
          }
        total = sum;
      });
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < messages;) {
    // Made anew for each push, as the crate's harness makes T::new(i): a
    // message kept on the stack and its id stored into it before each push
    // would be copied out with a load wider than that store, which the CPU
    // cannot forward from its store buffer (a stall of some 10 cycles).
    T m{};
    m.id = static_cast<std::uint32_t>(i);
    if (producer.push(m))
      ++i;
  }
  consumer.join();
  const double s = seconds_since(t0);
  if (total != messages * (messages - 1) / 2) // every id arrived, once
    std::abort();
  return static_cast<double>(messages) / s / 1e6;
}

// The same work without a ring, to read the rings' figures against.
// The slow consumer's work alone, on one thread: no ring's throughput in that
// regime can exceed it.
template <typename T> double work_alone(std::uint64_t messages, int steps) {
  pin_to_cpu(1);
  std::uint64_t sum = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < messages; ++i) {
    T m{};
    m.id = static_cast<std::uint32_t>(i);
    asm volatile("" : : "r"(&m) : "memory"); // the message is made, not folded away
    sum += m.id;
    work(steps);
  }
  const double s = seconds_since(t0);
  if (sum != messages * (messages - 1) / 2)
    std::abort();
  pin_to_cpu(0);
  return static_cast<double>(messages) / s / 1e6;
}

// One message each way in a mailbox of one cache line: the value and a
// sequence number stored with release after it, the least a handoff can
// move between the cores. (Not a strict floor: the consumer polls the very
// line the producer writes, which a ring polling a separate index avoids.)
template <typename T> double round_trip_mailbox(std::uint32_t trips) {
  struct alignas(ringengine::kCacheLine) Mailbox {
    T value;
    std::atomic<std::uint32_t> seq{0};
  };
  static_assert(sizeof(Mailbox) == ringengine::kCacheLine);
  auto there_box = std::make_unique<Mailbox>(), back_box = std::make_unique<Mailbox>();
  Mailbox* const there = there_box.get();
  Mailbox* const back = back_box.get();
  pin_to_cpu(0);
  std::thread echo = start_on_core1([there, back, trips] { // by value, as in throughput()
    for (std::uint32_t n = 1; n <= trips; ++n) {
      // acquire: pairs with the release store of seq, so value is written.
      while (there->seq.load(std::memory_order_acquire) != n) {
      }
      back->value = there->value; // `there` is not written again before this answer
      back->seq.store(n, std::memory_order_release);
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint32_t i = 1; i <= trips; ++i) {
    there->value.id = i;
    there->seq.store(i, std::memory_order_release);
    while (back->seq.load(std::memory_order_acquire) != i) {
    }
    if (back->value.id != i)
      std::abort();
  }
  echo.join();
  return seconds_since(t0) * 1e9 / trips;
}

template <typename Q, typename T> double bulk(std::uint64_t messages) {
  auto [producer, consumer_end] = Q::make();
  pin_to_cpu(0);
  std::thread consumer = start_on_core1([c = std::move(consumer_end), messages]() mutable {
    std::array<T, kBulk> out;
    for (std::uint64_t got = 0; got < messages;)
      got += c.pop_bulk(out.data(), out.size());
  });
  const auto t0 = std::chrono::steady_clock::now();
  std::array<T, kBulk> in{};
  for (std::uint64_t i = 0; i < messages;) {
    for (std::size_t k = 0; k < kBulk; ++k)
      in[k].id = static_cast<std::uint32_t>(i + k);
    i += producer.push_bulk(in.data(), std::min<std::uint64_t>(kBulk, messages - i));
  }
  consumer.join();
  return static_cast<double>(messages) / seconds_since(t0) / 1e6;
}

template <typename Q, typename T> double round_trip(std::uint32_t trips) {
  auto [there_p, there_c_end] = Q::make();
  auto [back_p_end, back_c] = Q::make();
  pin_to_cpu(0);
  // The echo owns the consumer of `there` and the producer of `back`.
  std::thread echo = start_on_core1(
      [there_c = std::move(there_c_end), back_p = std::move(back_p_end), trips]() mutable {
        T m;
        for (std::uint32_t n = 0; n < trips;)
          if (there_c.pop(m)) {
            while (!back_p.push(m)) {
            }
            ++n;
          }
      });
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint32_t i = 0; i < trips; ++i) {
    T m{}; // made anew, as in throughput()
    m.id = i;
    while (!there_p.push(m)) {
    }
    while (!back_c.pop(m)) {
    }
    if (m.id != i)
      std::abort();
  }
  echo.join();
  return seconds_since(t0) * 1e9 / trips;
}

// One run of the rtrb crate's harness: `program workload size count`, which
// prints its figure. It inherits our pinning to core 0 and pins its own
// threads to cores 0 and 1 as we do; its start-up is outside the timing.
double run_crate(const std::string& program, const std::string& workload, const std::string& size,
                 std::uint64_t count) {
  const std::string cmd =
      "'" + program + "' " + workload + " " + size + " " + std::to_string(count);
  FILE* p = popen(cmd.c_str(), "r");
  double figure = 0;
  if (!p || std::fscanf(p, "%lf", &figure) != 1 || pclose(p) != 0) {
    std::fprintf(stderr, "ring_compare: %s failed\n", cmd.c_str());
    std::exit(1);
  }
  return figure;
}

// ---- Rounds ------------------------------------------------------------------

struct Job {
  std::string workload, size, ring;
  std::function<double()> run;
};

struct Scale {
  std::uint64_t messages, slow_messages;
  std::uint32_t trips;
};

template <typename T>
void add_jobs(std::vector<Job>& jobs, const Scale& s, const std::string& crate,
              const std::string& size) {
  if (!crate.empty()) {
    jobs.push_back({"throughput", size, "rtrb_crate",
                    [=] { return run_crate(crate, "throughput", size, s.messages); }});
    jobs.push_back({"slow_consumer", size, "rtrb_crate",
                    [=] { return run_crate(crate, "slow_consumer", size, s.slow_messages); }});
    jobs.push_back({"round_trip", size, "rtrb_crate",
                    [=] { return run_crate(crate, "round_trip", size, s.trips); }});
  }
  // Each run makes its own ring; `run` gets only its type.
  auto rings = [&](const char* workload, auto run) {
    jobs.push_back({workload, size, "ringengine", [=] { return run(std::type_identity<Ours<T>>{}); }});
    jobs.push_back({workload, size, "rtrb_peer", [=] { return run(std::type_identity<RtrbPeer<T>>{}); }});
    jobs.push_back({workload, size, "boost", [=] { return run(std::type_identity<Boost<T>>{}); }});
    jobs.push_back({workload, size, "moodycamel", [=] { return run(std::type_identity<Moody<T>>{}); }});
  };
  rings("throughput", [=](auto q) {
    return throughput<typename decltype(q)::type, T>(s.messages, 0);
  });
  rings("slow_consumer", [=](auto q) {
    return throughput<typename decltype(q)::type, T>(s.slow_messages, kWorkSteps);
  });
  jobs.push_back({"slow_consumer", size, "no_ring",
                  [=] { return work_alone<T>(s.slow_messages, kWorkSteps); }});
  rings("round_trip", [=](auto q) { return round_trip<typename decltype(q)::type, T>(s.trips); });
  jobs.push_back({"round_trip", size, "no_ring", [=] { return round_trip_mailbox<T>(s.trips); }});
  jobs.push_back({"bulk64", size, "ringengine", [=] { return bulk<Ours<T>, T>(s.messages); }});
  jobs.push_back({"bulk64", size, "boost", [=] { return bulk<Boost<T>, T>(s.messages); }});
}

} // namespace

int main(int argc, char** argv) {
  int rounds = 15;
  Scale scale{1 << 22, 1 << 19, 1 << 16};
  const char* json = nullptr;
  std::string crate, elements = kAllElements, workloads, rings;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--quick"))
      rounds = 5, scale = {1 << 19, 1 << 17, 1 << 14};
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc)
      json = argv[++i];
    else if (!std::strcmp(argv[i], "--rtrb-crate") && i + 1 < argc)
      crate = argv[++i];
    else if (!std::strcmp(argv[i], "--elements") && i + 1 < argc)
      elements = argv[++i];
    else if (!std::strcmp(argv[i], "--rings") && i + 1 < argc)
      rings = argv[++i];
    else if (!std::strcmp(argv[i], "--workloads") && i + 1 < argc)
      workloads = argv[++i];
    else {
      std::fprintf(stderr,
                   "usage: %s [--rounds N] [--quick] [--json FILE] [--rtrb-crate PROGRAM]\n"
                   "       [--elements %s]\n"
                   "       [--workloads throughput,slow_consumer,...] [--rings ringengine,...]\n",
                   argv[0], kAllElements);
      return 2;
    }
  }
  // A comma-separated list holds `item` (an empty list holds everything).
  auto listed = [](const std::string& list, const std::string& item) {
    return list.empty() || ("," + list + ",").find("," + item + ",") != std::string::npos;
  };
  std::vector<Job> jobs;
  // The names are the crate harness's too (benchmarks/rtrb_crate).
  if (listed(elements, "Message"))
    add_jobs<ringengine::Message>(jobs, scale, crate, "Message");
  if (listed(elements, "16a8"))
    add_jobs<Element<16, 8>>(jobs, scale, crate, "16a8");
  if (listed(elements, "32a8"))
    add_jobs<Element<32, 8>>(jobs, scale, crate, "32a8");
  if (listed(elements, "16a4"))
    add_jobs<Element<16, 4>>(jobs, scale, crate, "16a4");
  if (listed(elements, "24a4"))
    add_jobs<Element<24, 4>>(jobs, scale, crate, "24a4");
  if (listed(elements, "32a4"))
    add_jobs<Element<32, 4>>(jobs, scale, crate, "32a4");
  std::erase_if(jobs, [&](const Job& j) {
    return !listed(workloads, j.workload) || !listed(rings, j.ring);
  });
  if (jobs.empty()) {
    std::fprintf(stderr, "ring_compare: no workload and size left to run\n");
    return 2;
  }

  // results[workload][size][ring] = one figure per round
  std::map<std::string, std::map<std::string, std::map<std::string, std::vector<double>>>> results;
  std::mt19937 shuffle(12345);
  for (int r = 0; r < rounds; ++r) {
    std::shuffle(jobs.begin(), jobs.end(), shuffle);
    for (const Job& j : jobs)
      results[j.workload][j.size][j.ring].push_back(j.run());
    std::fprintf(stderr, "round %d/%d\n", r + 1, rounds);
  }

  FILE* out = json ? std::fopen(json, "w") : stdout;
  if (!out) {
    std::perror(json);
    return 1;
  }
  std::fprintf(out, "{\"rounds\": %d, \"capacity\": %zu, \"work_steps\": %d, \"results\": {", rounds,
               kCapacity, kWorkSteps);
  const char* sep1 = "";
  for (const auto& [workload, sizes] : results) {
    std::fprintf(out, "%s\n \"%s\": {", sep1, workload.c_str());
    const char* sep2 = "";
    for (const auto& [size, by_ring] : sizes) {
      std::fprintf(out, "%s\"%s\": {", sep2, size.c_str());
      const char* sep3 = "";
      for (const auto& [ring, values] : by_ring) {
        std::fprintf(out, "%s\"%s\": [", sep3, ring.c_str());
        for (std::size_t i = 0; i < values.size(); ++i)
          std::fprintf(out, "%s%.3f", i ? ", " : "", values[i]);
        std::fprintf(out, "]");
        sep3 = ", ";
      }
      std::fprintf(out, "}");
      sep2 = ", ";
    }
    std::fprintf(out, "}");
    sep1 = ",";
  }
  std::fprintf(out, "}}\n");
  if (json)
    std::fclose(out);
  return 0;
}
